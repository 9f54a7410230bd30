import LossCore

extension DefinitionReader {
    /// `"parameters": {"smooth": {"default": 1.0, "minimum": 0}, …}` as parameter specs.
    func readParameters(_ node: JSONNode) throws(DefinitionError) -> [ParameterSpec] {
        guard case .object(let members) = node.value else {
            throw fail("\"parameters\" must be an object of parameter schemas, got \(node.kindName)", at: node.position, field: "parameters")
        }
        guard members.count <= 64 else { throw fail("more than 64 parameters", at: node.position, field: "parameters") }
        var specs: [ParameterSpec] = []
        for (key, keyPosition, schema) in members {
            let field = "parameters.\(key.prefix(64))"
            guard LossDefinition.isValidName(key) || key == "expression" else {
                throw fail("'\(key.prefix(64))' is not a parameter name ([A-Za-z_][A-Za-z0-9_]*)", at: keyPosition, field: field)
            }
            guard !LossDefinition.reservedParameterNames.contains(key) else {
                throw fail("'\(key)' is reserved and cannot be a parameter", at: keyPosition, field: field)
            }
            specs.append(try readParameter(key, schema, field: field))
        }
        return specs
    }

    private func readParameter(_ name: String, _ schema: JSONNode, field: String) throws(DefinitionError) -> ParameterSpec {
        guard case .object(let members) = schema.value else {
            throw fail("the schema of '\(name)' must be an object, got \(schema.kindName)", at: schema.position, field: field)
        }
        for member in members where !Self.parameterMembers.contains(member.key) {
            throw fail("unknown member '\(member.key.prefix(64))' in the schema of '\(name)'; it may have \(Self.parameterMembers.sorted().joined(separator: ", "))",
                       at: member.keyPosition, field: field)
        }
        func member(_ key: String) -> JSONNode? { members.first { $0.key == key }?.value }
        func number(_ key: String) throws(DefinitionError) -> Double? {
            guard let node = member(key) else { return nil }
            guard case .number(let value) = node.value else {
                throw fail("'\(key)' of '\(name)' must be a number, got \(node.kindName)", at: node.position, field: field)
            }
            return value
        }
        let defaultNode = member("default")
        var type = "number"
        if case .bool? = defaultNode?.value { type = "boolean" }
        if let node = member("type") {
            guard case .string(let text, _) = node.value, ["number", "integer", "boolean"].contains(text) else {
                throw fail("'type' of '\(name)' must be \"number\", \"integer\" or \"boolean\"", at: node.position, field: field)
            }
            type = text
        }
        var summary = "A parameter of the expression."
        if let node = member("summary") {
            guard case .string(let text, _) = node.value, text.utf8.count <= 1024 else {
                throw fail("'summary' of '\(name)' must be a string of at most 1024 bytes", at: node.position, field: field)
            }
            summary = text
        }
        let range = ClosedInterval(lower: try number("minimum"), upper: try number("maximum"))
        if let lower = range.lower, let upper = range.upper, lower > upper {
            throw fail("'minimum' of '\(name)' is above its 'maximum'", at: schema.position, field: field)
        }
        let kind: ParameterSpec.Kind
        switch type {
        case "boolean":
            if range != .any { throw fail("a boolean parameter '\(name)' takes no minimum or maximum", at: schema.position, field: field) }
            kind = .bool
        case "integer": kind = .integer(range)
        default: kind = .number(range)
        }
        var defaultValue: ParameterValue?
        if let node = defaultNode {
            switch (kind, node.value) {
            case (.bool, .bool(let value)):
                defaultValue = .bool(value)
            case (.number(let range), .number(let value)) where range.contains(value):
                defaultValue = .number(value)
            case (.integer(let range), .number(let value)) where range.contains(value) && value == value.rounded() && abs(value) < 9e15:
                defaultValue = .number(value)
            default:
                let expected = switch kind {
                case .bool: "true or false"
                case .integer(let range): "an integer in \(range)"
                case .number(let range): "a number in \(range)"
                default: "a value"
                }
                throw fail("the default of '\(name)' must be \(expected)", at: node.position, field: field)
            }
        }
        return ParameterSpec(name, kind, default: defaultValue, summary)
    }

    /// `"inputs": {"target": {"dtypes": ["float32", "uint8"]}, …}` by tensor name.
    func readInputs(_ node: JSONNode) throws(DefinitionError) -> [String: LossDescriptor.Input] {
        guard case .object(let members) = node.value else {
            throw fail("\"inputs\" must be an object keyed by tensor name, got \(node.kindName)", at: node.position, field: "inputs")
        }
        var inputs: [String: LossDescriptor.Input] = [:]
        for (key, keyPosition, schema) in members {
            let field = "inputs.\(key.prefix(64))"
            guard Self.tensorNames.contains(key) else {
                throw fail("unknown tensor '\(key.prefix(64))'; a definition's tensors are \(Self.tensorNames.joined(separator: ", "))",
                           at: keyPosition, field: field)
            }
            guard case .object(let entries) = schema.value else {
                throw fail("the schema of tensor '\(key)' must be an object, got \(schema.kindName)", at: schema.position, field: field)
            }
            for entry in entries where !Self.inputMembers.contains(entry.key) {
                throw fail("unknown member '\(entry.key.prefix(64))' in tensor '\(key)'; it may have \(Self.inputMembers.sorted().joined(separator: ", "))",
                           at: entry.keyPosition, field: field)
            }
            var input = Self.defaultInput(key)
            for (entry, _, value) in entries {
                switch (entry, value.value) {
                case ("dtypes", .array(let items)):
                    var dtypes: [DType] = []
                    for item in items {
                        guard case .string(let text, _) = item.value, let dtype = DType(rawValue: text) else {
                            throw fail("unknown dtype; dtypes are \(DType.allCases.map(\.rawValue).joined(separator: ", "))",
                                       at: item.position, field: field)
                        }
                        if key == "input", !dtype.isFloatingPoint {
                            throw fail("'input' is differentiated, so its dtypes must be floating point", at: item.position, field: field)
                        }
                        if !dtypes.contains(dtype) { dtypes.append(dtype) }
                    }
                    guard !dtypes.isEmpty else { throw fail("'dtypes' of '\(key)' is empty", at: value.position, field: field) }
                    input.dtypes = dtypes
                case ("required", .bool(let required)):
                    if (key == "input" || key == "target") && !required {
                        throw fail("'\(key)' is always required", at: value.position, field: field)
                    }
                    input.required = required
                case ("summary", .string(let text, _)) where text.utf8.count <= 1024:
                    input.summary = text
                default:
                    throw fail("'\(entry)' of tensor '\(key)' has the wrong type (\(value.kindName))", at: value.position, field: field)
                }
            }
            inputs[key] = input
        }
        return inputs
    }
}
