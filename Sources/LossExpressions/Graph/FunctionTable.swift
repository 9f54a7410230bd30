/// The function names of the language (EXPRESSIONS.md "Operations"); every other called name
/// must be a loss of the catalog.
enum FunctionTable {
    /// Elementwise functions of one argument.
    static let unary: [String: UnaryFunction] = Dictionary(uniqueKeysWithValues:
        UnaryFunction.allCases.filter { $0 != .negate }.map { ($0.rawValue, $0) })
    /// Reductions over everything or one axis.
    static let reductions: [String: ReductionFunction] = [
        "sum": .sum, "mean": .mean, "amax": .amax, "amin": .amin, "logsumexp": .logsumexp,
    ]
    /// The other functions.
    static let others: Set<String> = ["clamp", "min", "max", "pow", "where", "softmax", "log_softmax", "one_hot"]

    /// Whether `name` is a function of the language.
    static func isFunction(_ name: String) -> Bool {
        unary[name] != nil || reductions[name] != nil || others.contains(name)
    }

    /// Names a binding may not take.
    static func isReserved(_ name: String) -> Bool { name == "true" || name == "false" }
}
