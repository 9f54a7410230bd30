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

    /// Computes the loss in float32 and writes the gradient into `gradient`, which holds
    /// `batch.input.count` uninitialised elements that the loss must overwrite entirely.
    ///
    /// The default computes a ``LossOutput`` and copies its gradient; kernels that can write in
    /// place (so the service can hand them a response body) implement it and derive
    /// `compute(_:)` from it with ``LossOutput/filling(count:_:)``.
    func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float>

    /// The float64 counterpart of ``compute(_:gradient:)-3pcq1``.
    func compute(_ batch: LossBatch<Double>, gradient: UnsafeMutableBufferPointer<Double>) throws(LossError) -> LossValue<Double>

    /// Whether the loss itself rejects a non-finite floating-point target (``LossError/Code/invalidValue``
    /// naming `target`), so ``LossRegistry`` can skip its separate pass over the target. Default `false`.
    static var validatesTargetFiniteness: Bool { get }
}

/// A loss value whose gradient was written into a caller's buffer.
public struct LossValue<T: LossFloat>: Sendable {
    /// One element for a reduced loss, the unreduced elements for `reduction: none`.
    public var loss: [T]
    /// Shape of `loss`: `[]` when reduced.
    public var lossShape: [Int]

    /// Creates a value.
    public init(loss: [T], lossShape: [Int]) {
        self.loss = loss
        self.lossShape = lossShape
    }

    /// A reduced (scalar) value.
    public init(scalar: Double) {
        self.init(loss: [T(scalar)], lossShape: [])
    }
}

extension Loss {
    /// Copies the gradient of ``compute(_:)-6f8xp`` into `gradient`.
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        let output = try compute(batch)
        _ = gradient.initialize(fromContentsOf: output.grad)
        return LossValue(loss: output.loss, lossShape: output.lossShape)
    }

    /// Copies the gradient of ``compute(_:)-8ho6z`` into `gradient`.
    public func compute(_ batch: LossBatch<Double>, gradient: UnsafeMutableBufferPointer<Double>) throws(LossError) -> LossValue<Double> {
        let output = try compute(batch)
        _ = gradient.initialize(fromContentsOf: output.grad)
        return LossValue(loss: output.loss, lossShape: output.lossShape)
    }

    /// `false`: ``LossRegistry`` checks the target before the loss runs.
    public static var validatesTargetFiniteness: Bool { false }
}

extension LossOutput {
    /// Allocates an uninitialised gradient of `count` elements and lets `body` write all of it,
    /// without the zero-fill that `Array(repeating:count:)` would spend a pass of memory on.
    /// - Parameters:
    ///   - count: Elements of the gradient (the input's count).
    ///   - body: Writes every element and returns the loss.
    public static func filling(count: Int,
                               _ body: (UnsafeMutableBufferPointer<T>) throws(LossError) -> LossValue<T>) throws(LossError) -> LossOutput<T> {
        var failure: LossError?
        var value = LossValue<T>(loss: [], lossShape: [])
        let grad = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            LargeBuffers.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            do throws(LossError) {
                value = try body(buffer)
            } catch {
                failure = error
                // The buffer may be partly written; initialise it so the array is valid to drop.
                buffer.initialize(repeating: 0)
            }
            initialized = count
        }
        if let failure { throw failure }
        return LossOutput(loss: value.loss, lossShape: value.lossShape, grad: grad)
    }
}
