/// The tensors of one loss evaluation, with `input` already in the compute type `T`.
public struct LossBatch<T: LossFloat>: Sendable {
    /// Predictions, row-major.
    public var input: [T]
    /// Shape of `input`.
    public var shape: [Int]
    /// Targets, in whatever dtype the client sent; read them with the ``Tensor`` helpers.
    public var target: Tensor
    /// The optional `weight` tensor (elementwise, or per class where the loss says so).
    public var weight: Tensor?
    /// The optional `var` tensor (`gaussian_nll`).
    public var variance: Tensor?
    /// Upstream gradient: a scalar for reduced losses, the loss's shape for `reduction: none`.
    public var gradOutput: Tensor?

    /// Creates a batch.
    public init(input: [T], shape: [Int], target: Tensor, weight: Tensor? = nil,
                variance: Tensor? = nil, gradOutput: Tensor? = nil) {
        self.input = input
        self.shape = shape
        self.target = target
        self.weight = weight
        self.variance = variance
        self.gradOutput = gradOutput
    }
}

/// A loss value and its gradient with respect to `input`.
public struct LossOutput<T: LossFloat>: Sendable {
    /// The loss: one element for a reduced loss, the unreduced elements for `reduction: none`.
    public var loss: [T]
    /// Shape of `loss`: `[]` when reduced.
    public var lossShape: [Int]
    /// d(loss)/d(input) (times `grad_output`), shaped as `input`.
    public var grad: [T]

    /// Creates an output.
    public init(loss: [T], lossShape: [Int], grad: [T]) {
        self.loss = loss
        self.lossShape = lossShape
        self.grad = grad
    }

    /// A reduced (scalar) output.
    public init(scalar: Double, grad: [T]) {
        self.init(loss: [T(scalar)], lossShape: [], grad: grad)
    }
}

/// A loss function with an analytic gradient.
///
/// A conforming type is built per request from validated ``Parameters`` and evaluated
/// once. Both `compute` overloads forward to one generic implementation in the
/// conforming file, so the compiler specializes the kernel for `Float` and `Double`.
public protocol Loss: Sendable {
    /// Name, aliases, inputs and parameter specs.
    static var descriptor: LossDescriptor { get }

    /// Reads the validated parameters; throws for combinations that single specs cannot catch.
    /// - Parameter parameters: Values validated against `descriptor.parameters`.
    init(parameters: Parameters) throws(LossError)

    /// Computes loss and gradient in float32 storage (sums in double).
    func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float>

    /// Computes loss and gradient in float64.
    func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double>
}
