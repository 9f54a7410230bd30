import LossCore

/// A named custom loss (EXPRESSIONS.md "Named custom losses"): an expression with a name, a
/// summary, a parameter schema and the dtypes its tensors take, validated once when it is made.
///
/// The JSON form:
///
/// ```json
/// {"name": "my_dice",
///  "expression": "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)",
///  "summary": "Dice on logits",
///  "parameters": {"smooth": {"default": 1.0, "minimum": 0}},
///  "inputs": {"target": {"dtypes": ["float32", "uint8"]}}}
/// ```
///
/// `name` is optional and, when present, must be the name the definition is made under (the file's
/// base name, or the URL's `{name}`). `parameters` members take `type` (`number`, `integer` or
/// `boolean`; default: the default's type, else `number`), `default` (absent: the client must send
/// it), `minimum`, `maximum` and `summary`. `inputs` members are `input`, `target`, `weight` and
/// `var`, each with `dtypes`, `required` and `summary`. Unknown members are errors.
///
/// Validation — one for every way a definition arrives (file, `PUT`, KServe repository load) —
/// parses the JSON and the expression, and checks that every name the expression reads is a
/// tensor or a declared parameter and every function it calls exists, so a typo is reported at
/// its line and column in the definition, not on the first request.
public struct LossDefinition: Sendable {
    /// Largest definition, in bytes (the expression's own limit applies inside it).
    public static let maxBytes = 1 << 20
    /// Names a parameter may not take: the evaluation's own controls, and the tensors.
    static let reservedParameterNames: Set<String> = ["reduction", "expression", "wrt", "true", "false",
                                                      "input", "target", "weight", "var", "grad_output"]

    /// The loss's name.
    public let name: String
    /// The compiled expression.
    public let program: ExpressionProgram
    /// What the catalog, `GET /v1/losses/{name}` and KServe metadata show; its parameters are
    /// `reduction` and the declared ones.
    public let descriptor: LossDescriptor
    /// The definition's text as it arrived (what a loss directory stores).
    public let source: [UInt8]

    /// Parameters the client must send (declared without a default).
    public var requiredParameters: [String] {
        descriptor.parameters.filter { $0.defaultValue == nil }.map(\.name)
    }

    /// Whether `name` can name a custom loss: `[A-Za-z_][A-Za-z0-9_]*`, at most 64 bytes (so it is
    /// also a safe file name), and not `expression` (the per-request route).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 64, name != "expression" else { return false }
        let isLetter = { (byte: UInt8) in (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F }
        return isLetter(first) && name.utf8.allSatisfy { isLetter($0) || (0x30...0x39).contains($0) }
    }

    /// Parses and validates a definition.
    /// - Parameters:
    ///   - source: The JSON text.
    ///   - name: The name it is made under (must satisfy ``isValidName(_:)``).
    ///   - sourceName: How errors name the text: a file's path, or `definition`.
    ///   - limits: The expression limits.
    ///   - registry: The built-in catalog (losses callable inside the expression).
    /// - Throws: ``DefinitionError`` at the line and column of the first problem.
    public init(parsing source: [UInt8], name: String, sourceName: String = "definition",
                limits: ExpressionLimits = .standard, registry: LossRegistry = .standard) throws(DefinitionError) {
        guard source.count <= Self.maxBytes else {
            throw DefinitionError("the definition is \(source.count) bytes, more than the limit of \(Self.maxBytes)",
                                  at: TextPosition(line: 1, column: 1), sourceName: sourceName)
        }
        var reader = DefinitionReader(source: source, sourceName: sourceName, name: name, limits: limits, registry: registry)
        let parsed = try reader.read()
        self.name = name
        self.program = parsed.program
        self.descriptor = parsed.descriptor
        self.source = source
    }
}
