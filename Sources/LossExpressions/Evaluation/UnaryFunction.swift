/// The elementwise functions of one argument, each with its derivative as PyTorch defines it at
/// kinks: `abs`, `sign` and `relu` have derivative 0 at 0; `sqrt(0)` and `log(0)` give ∞.
enum UnaryFunction: String, Sendable, CaseIterable {
    case negate, exp, log, log1p, expm1, sqrt, abs, sign, sigmoid, logsigmoid, softplus, tanh, relu

    /// The function's value.
    @inline(__always)
    func apply<T: ExpressionFloat>(_ x: T) -> T {
        switch self {
        case .negate: return -x
        case .exp: return T.exp(x)
        case .log: return T.log(x)
        case .log1p: return T.log1p(x)
        case .expm1: return T.expm1(x)
        case .sqrt: return T.sqrt(x)
        case .abs: return Swift.abs(x)
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0))
        case .sigmoid: return 1 / (1 + T.exp(-x))
        case .logsigmoid: return Swift.min(x, 0) - T.log1p(T.exp(-Swift.abs(x)))
        // PyTorch's softplus (beta 1, threshold 20): linear above the threshold.
        case .softplus: return x > 20 ? x : T.log1p(T.exp(x))
        case .tanh: return T.tanh(x)
        case .relu: return x > 0 ? x : (x.isNaN ? x : 0)
        }
    }

    /// dy/dx at `x`, given `y = apply(x)`.
    @inline(__always)
    func derivative<T: ExpressionFloat>(_ x: T, _ y: T) -> T {
        switch self {
        case .negate: return -1
        case .exp: return y
        case .log: return 1 / x
        case .log1p: return 1 / (1 + x)
        case .expm1: return y + 1
        case .sqrt: return 1 / (2 * y)
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : (x.isNaN ? x : 0))
        case .sign: return 0
        case .sigmoid: return y * (1 - y)
        case .logsigmoid: return 1 / (1 + T.exp(x))
        case .softplus:
            if x > 20 { return 1 }
            let z = T.exp(x)
            return z / (z + 1)
        case .tanh: return 1 - y * y
        case .relu: return x > 0 ? 1 : 0
        }
    }
}
