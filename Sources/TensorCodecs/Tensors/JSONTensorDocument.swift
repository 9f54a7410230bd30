import LossCore

/// A JSON object document whose tensor members were parsed straight from the bytes into their
/// storage: a float32 `input` becomes a `[Float]` with no `JSONValue` tree, `[Double]` or copy
/// in between, a uint8 mask a `[UInt8]`.
///
/// ```swift
/// let document = try JSONTensorDocument(parsing: body, tensorFields: ["input": .float32, "target": .inferred])
/// guard let object = document.root.objectValue else { … }    // tensor members are `null` here
/// let input = try document.tensor("input")                    // nil when absent or null
/// ```
///
/// Results and errors are those of ``JSONParser/parse(_:maxDepth:)`` followed by
/// ``JSONTensorDecoder/decodeIfPresent(_:field:dtypeDefault:)`` on each tensor member: a syntax
/// error anywhere throws the same ``JSONParseError`` from `init`; a member the fast path declines
/// (ragged, out of range, empty, unusual) is kept as a `JSONValue` and decoded by
/// ``JSONTensorDecoder`` when asked for, so it gives the same tensor or ``TensorDecodingError``.
public struct JSONTensorDocument: Sendable {
    /// The document. When it is an object, each member named in the tensor fields is `null` here
    /// (its key is kept, in document order); read those with ``tensor(_:)``.
    public let root: JSONValue
    private let slots: [String: JSONParser.TensorSlot]
    private let fields: [String: DTypeDefault]

    /// Parses a document.
    /// - Parameters:
    ///   - bytes: The whole document, UTF-8.
    ///   - tensorFields: Top-level members to parse as tensors, with the dtype each takes when
    ///     the value does not name one (as ``JSONTensorDecoder/decode(_:field:dtypeDefault:)``).
    ///   - maxDepth: The deepest nesting allowed, as for ``JSONParser``.
    /// - Throws: ``JSONParseError`` for malformed JSON, exactly as ``JSONParser/parse(_:maxDepth:)``.
    public init(parsing bytes: UnsafeRawBufferPointer, tensorFields: [String: DTypeDefault],
                maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONParseError) {
        var parser = JSONParser(input: bytes.bindMemory(to: UInt8.self), maxDepth: maxDepth)
        root = try parser.parseDocument(tensorFields: tensorFields)
        slots = parser.tensorSlots
        fields = tensorFields
    }

    /// Parses a document held in an array.
    /// - Throws: ``JSONParseError`` for malformed JSON.
    public init(parsing bytes: [UInt8], tensorFields: [String: DTypeDefault],
                maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONParseError) {
        let result: Result<JSONTensorDocument, JSONParseError> = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) -> JSONTensorDocument in
                try JSONTensorDocument(parsing: raw, tensorFields: tensorFields, maxDepth: maxDepth)
            }
        }
        self = try result.get()
    }

    /// The tensor member `name`: `nil` when absent or `null`.
    ///
    /// A name that was not among the tensor fields is decoded from ``root`` with the float32 default.
    /// - Throws: ``TensorDecodingError`` with `field` = `name`, as ``JSONTensorDecoder`` would.
    public func tensor(_ name: String) throws(TensorDecodingError) -> Tensor? {
        switch slots[name] {
        case .decoded(let tensor)?:
            return tensor
        case .deferred(let value)?:
            return try JSONTensorDecoder.decode(value, field: name, dtypeDefault: fields[name] ?? .float32)
        case nil:
            guard fields[name] == nil else { return nil }
            return try JSONTensorDecoder.decodeIfPresent(root[name], field: name)
        }
    }

    /// Whether the fast path parsed member `name` (for tests and metrics; results are the same either way).
    public func wasParsedDirectly(_ name: String) -> Bool {
        if case .decoded? = slots[name] { return true }
        return false
    }
}
