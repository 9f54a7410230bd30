/// A loss's parameters after validation against its ``ParameterSpec``s.
///
/// Construction rejects unknown names, wrong types and out-of-range values with a
/// ``LossError`` naming the parameter; reads afterwards cannot fail, and fall back to
/// the spec's default.
public struct Parameters: Sendable {
    private var values: [String: ParameterValue]

    /// Validates client-supplied values against specs and fills in defaults.
    /// - Parameters:
    ///   - raw: Parameter values as the client sent them. `null` means "use the default".
    ///   - specs: What the loss accepts.
    /// - Throws: ``LossError`` with code `unknownParameter` or `invalidParameter`, naming the parameter.
    public init(_ raw: [String: ParameterValue], specs: [ParameterSpec]) throws(LossError) {
        var values: [String: ParameterValue] = [:]
        for spec in specs {
            if let value = spec.defaultValue { values[spec.name] = value }
        }
        for name in raw.keys.sorted() {
            let value = raw[name]!
            guard let spec = specs.first(where: { $0.name == name }) else {
                let known = specs.map(\.name).joined(separator: ", ")
                throw LossError(.unknownParameter,
                                "unknown parameter '\(name)'; this loss takes: \(known.isEmpty ? "no parameters" : known)",
                                field: name)
            }
            if value == .null { continue }
            values[name] = try Parameters.validate(value, against: spec)
        }
        self.values = values
    }

    private static func validate(_ value: ParameterValue, against spec: ParameterSpec) throws(LossError) -> ParameterValue {
        func fail(_ expected: String) -> LossError {
            LossError(.invalidParameter, "parameter '\(spec.name)' must be \(expected), got \(value)", field: spec.name)
        }
        switch spec.kind {
        case .number(let range):
            guard case .number(let number) = value else { throw fail("a number in \(range)") }
            guard range.contains(number) else { throw fail("a number in \(range)") }
            return value
        case .integer(let range):
            guard case .number(let number) = value, number == number.rounded(), range.contains(number),
                  abs(number) < 9.0e15
            else { throw fail("an integer in \(range)") }
            return value
        case .bool:
            guard case .bool = value else { throw fail("true or false") }
            return value
        case .choice(let choices):
            guard case .string(let string) = value, choices.contains(string) else {
                throw fail("one of " + choices.map { "'\($0)'" }.joined(separator: ", "))
            }
            return value
        case .numbers(let range):
            switch value {
            case .numbers(let list):
                guard list.allSatisfy(range.contains) else { throw fail("a list of numbers in \(range)") }
                return value
            case .number(let number):
                // A scalar is accepted where a list is, as PyTorch broadcasts a 0-d tensor.
                guard range.contains(number) else { throw fail("a list of numbers in \(range)") }
                return .numbers([number])
            default:
                throw fail("a list of numbers in \(range)")
            }
        }
    }

    /// Every value, the client's or a default, by name.
    public var all: [String: ParameterValue] { values }

    /// Whether the client or a default supplied a value.
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// A number parameter (also integers). Traps if the spec gave no default and the client none: check ``has(_:)``.
    public func double(_ name: String) -> Double {
        guard case .number(let value)? = values[name] else { preconditionFailure("parameter \(name) has no number value") }
        return value
    }

    /// An optional number parameter.
    public func optionalDouble(_ name: String) -> Double? {
        if case .number(let value)? = values[name] { return value }
        return nil
    }

    /// An integer parameter.
    public func int(_ name: String) -> Int { Int(double(name)) }

    /// An optional integer parameter.
    public func optionalInt(_ name: String) -> Int? { optionalDouble(name).map { Int($0) } }

    /// A boolean parameter.
    public func bool(_ name: String) -> Bool {
        guard case .bool(let value)? = values[name] else { preconditionFailure("parameter \(name) has no bool value") }
        return value
    }

    /// A string (choice) parameter.
    public func string(_ name: String) -> String {
        guard case .string(let value)? = values[name] else { preconditionFailure("parameter \(name) has no string value") }
        return value
    }

    /// An optional list-of-numbers parameter.
    public func doubles(_ name: String) -> [Double]? {
        if case .numbers(let value)? = values[name] { return value }
        return nil
    }

    /// The `reduction` parameter.
    public var reduction: Reduction { Reduction(rawValue: string("reduction")) ?? .mean }
}
