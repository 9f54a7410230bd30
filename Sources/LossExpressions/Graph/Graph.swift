import LossCore

/// A checked expression bound to one request's tensors: nodes in evaluation order, every shape
/// known and every broadcast checked before anything runs.
///
/// Node `i` reads only nodes before it, so forward evaluation walks the array in order and the
/// backward pass walks it in reverse. A name bound once is one node however often it is used.
struct Graph: Sendable {
    /// One operation with its operands (node indices) and the shape it produces.
    struct Node: Sendable {
        var op: Op
        var inputs: [Int]
        var shape: [Int]
        var location: SourceLocation
        /// Whether a gradient flows back through this node to a tensor in `wrt`.
        var needsGrad: Bool
        /// Elements of `shape`.
        var count: Int
    }

    /// The operations. Elementwise operations broadcast their operands as PyTorch does.
    enum Op: Sendable {
        /// A tensor of the request, by name.
        case tensor(String)
        /// A number (literal, parameter, boolean or folded constant), shape `[]`.
        case constant(Double)
        case unary(UnaryFunction)
        case binary(BinaryOperator)
        /// `clamp(x, min, max)`: operands are x, then the bounds present.
        case clamp(hasMin: Bool, hasMax: Bool)
        /// `where(cond, a, b)`.
        case select
        /// A reduction over everything (`axis == nil`) or one axis (already non-negative).
        case reduce(ReductionFunction, axis: Int?, keepdim: Bool)
        /// `softmax` / `log_softmax` along a non-negative axis.
        case softmax(axis: Int, log: Bool)
        /// `one_hot(target, classes)`: class axis inserted at 1.
        case oneHot(classes: Int)
        /// A loss of the catalog on operands (input, target[, weight]); its gradient flows to input only.
        case loss(BuiltinLossCall)
    }

    /// The nodes in evaluation order.
    var nodes: [Node]
    /// The node of the program's value.
    var output: Int
    /// Tensor nodes by request name.
    var tensorNodes: [String: Int]
    /// The dtype evaluation runs in: float32 or float64.
    var computeType: DType
}

/// A call of a catalog loss inside an expression.
struct BuiltinLossCall: @unchecked Sendable {
    /// The loss type (metatypes are immutable; `any Loss.Type` is not `Sendable` by declaration only).
    var loss: any Loss.Type
    /// Keyword arguments, as the registry validates them.
    var parameters: [String: ParameterValue]
    /// Whether a `weight` operand follows input and target.
    var hasWeight: Bool
}

/// The reductions of the language.
enum ReductionFunction: String, Sendable {
    case sum, mean, amax, amin, logsumexp
}
