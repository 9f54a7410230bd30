/// A parameter value as it arrives from a client: a JSON scalar or a list of numbers.
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
    case number(Double)
    case bool(Bool)
    case string(String)
    case numbers([Double])
    case null

    /// A JSON rendering, for schemas and messages.
    public var description: String {
        switch self {
        case .number(let value):
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return "\(value)"
        case .bool(let value): return value ? "true" : "false"
        case .string(let value): return "\"\(value)\""
        case .numbers(let values): return "[" + values.map { ParameterValue.number($0).description }.joined(separator: ", ") + "]"
        case .null: return "null"
        }
    }
}

/// The type and admissible values of one loss parameter.
public struct ParameterSpec: Sendable {
    /// The kind of value a parameter takes.
    public enum Kind: Sendable, Equatable {
        /// A real number within `range`.
        case number(ClosedInterval)
        /// An integer within `range`.
        case integer(ClosedInterval)
        /// `true` or `false`.
        case bool
        /// One of the listed strings.
        case choice([String])
        /// A list of real numbers (e.g. per-class weights); each within `range`.
        case numbers(ClosedInterval)
    }

    /// The parameter's name, snake_case as in PyTorch.
    public var name: String
    /// Its kind and range.
    public var kind: Kind
    /// The value used when the client sends none; `nil` means absent (optional, no default).
    public var defaultValue: ParameterValue?
    /// One line for the catalog.
    public var summary: String

    /// Creates a spec.
    /// - Parameters:
    ///   - name: snake_case name.
    ///   - kind: Type and range.
    ///   - default: Default value, or `nil` for an optional parameter without one.
    ///   - summary: One line for the catalog.
    public init(_ name: String, _ kind: Kind, default defaultValue: ParameterValue?, _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// The `reduction` parameter with the given choices (default `mean`).
    public static func reduction(_ choices: [Reduction] = [.mean, .sum, .none]) -> ParameterSpec {
        ParameterSpec("reduction", .choice(choices.map(\.rawValue)), default: .string("mean"),
                      "How the elementwise loss is reduced.")
    }
}

/// A range of reals with open or closed ends; `nil` bounds are unbounded.
public struct ClosedInterval: Sendable, Equatable, CustomStringConvertible {
    public var lower: Double?
    public var lowerInclusive: Bool
    public var upper: Double?
    public var upperInclusive: Bool

    /// Creates an interval.
    public init(lower: Double? = nil, lowerInclusive: Bool = true, upper: Double? = nil, upperInclusive: Bool = true) {
        self.lower = lower
        self.lowerInclusive = lowerInclusive
        self.upper = upper
        self.upperInclusive = upperInclusive
    }

    /// All finite reals.
    public static let any = ClosedInterval()
    /// `[0, ∞)`.
    public static let nonNegative = ClosedInterval(lower: 0)
    /// `(0, ∞)`.
    public static let positive = ClosedInterval(lower: 0, lowerInclusive: false)
    /// `[0, 1]`.
    public static let unit = ClosedInterval(lower: 0, upper: 1)
    /// `(0, 1)`.
    public static let openUnit = ClosedInterval(lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false)

    /// Whether `value` lies inside (NaN never does).
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite else { return false }
        if let lower { if lowerInclusive ? value < lower : value <= lower { return false } }
        if let upper { if upperInclusive ? value > upper : value >= upper { return false } }
        return true
    }

    /// Interval notation, e.g. `(0, 1)` or `[0, ∞)`.
    public var description: String {
        let left = lower.map { (lowerInclusive ? "[" : "(") + ParameterValue.number($0).description } ?? "(-∞"
        let right = upper.map { ParameterValue.number($0).description + (upperInclusive ? "]" : ")") } ?? "∞)"
        return left + ", " + right
    }
}
