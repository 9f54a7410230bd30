import LossCore

/// Turns a definition's JSON into an ``ExpressionProgram`` and a ``LossDescriptor`` for
/// ``LossDefinition``, reporting each problem at its place in the text.
struct DefinitionReader {
    let source: [UInt8]
    let sourceName: String
    let name: String
    let limits: ExpressionLimits
    let registry: LossRegistry

    static let members: Set<String> = ["name", "expression", "summary", "parameters", "inputs"]
    static let parameterMembers: Set<String> = ["type", "default", "minimum", "maximum", "summary"]
    static let inputMembers: Set<String> = ["dtypes", "required", "summary"]
    static let tensorNames = ["input", "target", "weight", "var"]

    func fail(_ reason: String, at position: TextPosition, field: String? = nil) -> DefinitionError {
        DefinitionError(reason, at: position, sourceName: sourceName, field: field, text: source)
    }

    mutating func read() throws(DefinitionError) -> (program: ExpressionProgram, descriptor: LossDescriptor) {
        let root = try DefinitionJSON.parse(source, sourceName: sourceName)
        guard case .object(let members) = root.value else {
            throw fail("a definition is a JSON object with an \"expression\", got \(root.kindName)", at: root.position)
        }
        for member in members where !Self.members.contains(member.key) {
            throw fail("unknown member '\(member.key.prefix(64))'; a definition has \(Self.members.sorted().joined(separator: ", "))",
                       at: member.keyPosition, field: String(member.key.prefix(64)))
        }
        func member(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }
        if let node = member("name") {
            guard case .string(let text, _) = node.value, text == name else {
                throw fail("\"name\" must be \"\(name)\", the name the definition is made under", at: node.position, field: "name")
            }
        }
        var summary = "A custom loss: \(name)."
        if let node = member("summary") {
            guard case .string(let text, _) = node.value, text.utf8.count <= 1024 else {
                throw fail("\"summary\" must be a string of at most 1024 bytes", at: node.position, field: "summary")
            }
            summary = text
        }
        let parameters = try member("parameters").map { (node) throws(DefinitionError) in try readParameters(node) } ?? []
        var inputs = try member("inputs").map { (node) throws(DefinitionError) in try readInputs(node) } ?? [:]
        guard let expressionNode = member("expression") else {
            throw fail("the definition has no \"expression\"", at: root.position, field: "expression")
        }
        guard case .string(let expression, let positions) = expressionNode.value else {
            throw fail("\"expression\" must be a string, got \(expressionNode.kindName)", at: expressionNode.position, field: "expression")
        }
        let program: ExpressionProgram
        do {
            program = try ExpressionProgram(source: expression, limits: limits)
        } catch {
            throw fail(error.reason, at: Self.position(of: error.location, in: positions, string: expressionNode.position), field: "expression")
        }
        let parameterNames = Set(parameters.map(\.name))
        for use in program.freeNames {
            let position = Self.position(of: use.location, in: positions, string: expressionNode.position)
            if use.isCall {
                guard ExpressionProgram.isCallable(use.name, registry: registry) else {
                    throw fail("unknown function '\(use.name)'; functions are those of EXPRESSIONS.md and the built-in losses",
                               at: position, field: "expression")
                }
            } else if Self.tensorNames.contains(use.name) {
                if inputs[use.name] == nil { inputs[use.name] = Self.defaultInput(use.name) }
            } else if !parameterNames.contains(use.name) {
                let declared = parameterNames.sorted().joined(separator: ", ")
                throw fail("unknown name '\(use.name)'; the expression may read the tensors input, target, weight and var and the declared parameters (\(declared.isEmpty ? "none" : declared))",
                           at: position, field: "expression")
            }
        }
        let descriptorInputs = Self.tensorNames.compactMap { name in
            inputs[name] ?? (name == "input" || name == "target" ? Self.defaultInput(name) : nil)
        }
        let descriptor = LossDescriptor(name: name, summary: summary, formula: expression, inputs: descriptorInputs,
                                        parameters: [.reduction()] + parameters)
        return (program, descriptor)
    }

    /// Where an expression's location is in the definition's text.
    static func position(of location: SourceLocation?, in positions: [TextPosition], string: TextPosition) -> TextPosition {
        guard let location, !positions.isEmpty else { return string }
        return positions[min(max(0, ExpressionProgram.scalarOffset(of: location)), positions.count - 1)]
    }

    static func defaultInput(_ name: String) -> LossDescriptor.Input {
        switch name {
        case "input": .input("Predictions, any shape the expression accepts.")
        case "target": .init("target", dtypes: LossDescriptor.Input.maskDTypes, "Targets, any shape the expression broadcasts.")
        default: .init(name, dtypes: LossDescriptor.Input.maskDTypes, "Read by the expression.")
        }
    }
}
