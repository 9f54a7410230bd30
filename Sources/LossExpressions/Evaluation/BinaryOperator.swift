/// The elementwise functions of two arguments, with PyTorch's partial derivatives: `min`/`max`
/// split the gradient ½/½ on ties; `pow` gives the base no gradient where the exponent is 0
/// and the exponent none where the base is 0 and the exponent ≥ 0. Comparisons give 0 or 1
/// and no gradient.
enum BinaryOperator: String, Sendable {
    case add, subtract, multiply, divide, power, minimum, maximum
    case less, lessEqual, greater, greaterEqual, equal, notEqual

    /// The operator written with `symbol` in the grammar.
    init?(symbol: String) {
        let table: [String: BinaryOperator] = ["+": .add, "-": .subtract, "*": .multiply, "/": .divide, "^": .power,
                                               "<": .less, "<=": .lessEqual, ">": .greater, ">=": .greaterEqual,
                                               "==": .equal, "!=": .notEqual]
        guard let op = table[symbol] else { return nil }
        self = op
    }

    /// Whether a gradient flows through it.
    var isDifferentiable: Bool {
        switch self {
        case .add, .subtract, .multiply, .divide, .power, .minimum, .maximum: true
        default: false
        }
    }

    /// The value.
    @inline(__always)
    func apply<T: ExpressionFloat>(_ a: T, _ b: T) -> T {
        switch self {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return T.pow(a, b)
        case .minimum: return a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
        case .maximum: return a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
        case .less: return a < b ? 1 : 0
        case .lessEqual: return a <= b ? 1 : 0
        case .greater: return a > b ? 1 : 0
        case .greaterEqual: return a >= b ? 1 : 0
        case .equal: return a == b ? 1 : 0
        case .notEqual: return a != b ? 1 : 0
        }
    }

    /// ∂y/∂a at `(a, b)`, given `y = apply(a, b)`.
    @inline(__always)
    func derivativeLeft<T: ExpressionFloat>(_ a: T, _ b: T, _ y: T) -> T {
        switch self {
        case .add, .subtract: return 1
        case .multiply: return b
        case .divide: return 1 / b
        case .power: return b == 0 ? 0 : b * T.pow(a, b - 1)
        case .minimum: return a < b ? 1 : (a == b ? 0.5 : 0)
        case .maximum: return a > b ? 1 : (a == b ? 0.5 : 0)
        default: return 0
        }
    }

    /// ∂y/∂b at `(a, b)`, given `y = apply(a, b)`.
    @inline(__always)
    func derivativeRight<T: ExpressionFloat>(_ a: T, _ b: T, _ y: T) -> T {
        switch self {
        case .add: return 1
        case .subtract: return -1
        case .multiply: return a
        case .divide: return -a / (b * b)
        case .power: return a == 0 && b >= 0 ? 0 : y * T.log(a)
        case .minimum: return b < a ? 1 : (a == b ? 0.5 : 0)
        case .maximum: return b > a ? 1 : (a == b ? 0.5 : 0)
        default: return 0
        }
    }
}
