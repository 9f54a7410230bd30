import Foundation

/// Sigmoid focal loss: torchvision's `sigmoid_focal_loss` per element, or the tutorial's `FocalLoss`.
public struct FocalLoss: Loss {
    /// Which definition of focal loss.
    enum Variant: String {
        /// Lin et al. 2017 / torchvision: α_t·(1 − p_t)^γ·BCE per element, then reduced.
        case perElement = "per_element"
        /// The tutorial: α·(1 − e^{−B̄})^γ·B̄ on the mean BCE B̄.
        case tutorial
    }

    /// Catalog entry.
    public static let descriptor = LossDescriptor(
        name: "focal", aliases: ["sigmoid_focal"],
        summary: "Sigmoid focal loss: torchvision sigmoid_focal_loss (variant per_element) or the tutorial's FocalLoss (variant tutorial).",
        formula: "per_element: l_i = α_t·(1 − p_t)^γ·BCE(x_i, t_i), p_t = p·t + (1−p)(1−t), α_t = α·t + (1−α)(1−t) (α < 0 disables), "
            + "times weight, reduced by mean/sum/none. tutorial: B̄ = mean_i BCE(x_i, t_i) (stable from logits), "
            + "loss = α·(1 − e^{−B̄})^γ·B̄ — a single value: mean and sum return it, none returns it with shape [1].",
        inputs: [.input("Logits, any shape."),
                 .init("target", dtypes: LossDescriptor.Input.maskDTypes, "Same shape as input, or broadcastable to it."),
                 .init("weight", dtypes: LossDescriptor.Input.floatDTypes, required: false,
                       "Optional elementwise weight (per_element variant only).")],
        parameters: [
            ParameterSpec("variant", .choice([Variant.perElement.rawValue, Variant.tutorial.rawValue]),
                          default: .string(Variant.perElement.rawValue),
                          "per_element (torchvision) or tutorial (the tutorial's FocalLoss on the mean BCE)."),
            ParameterSpec("alpha", .number(.any), default: nil,
                          "Default 0.25 per_element / 0.8 tutorial; per_element: negative disables the class balance."),
            ParameterSpec("gamma", .number(.nonNegative), default: .number(2), "Focusing exponent."),
            .reduction(),
        ]
    )

    let variant: Variant
    let alpha: Double
    let gamma: Double
    let reduction: Reduction

    /// Reads `variant`, `alpha` (variant-dependent default), `gamma` and `reduction`.
    public init(parameters: Parameters) throws(LossError) {
        variant = Variant(rawValue: parameters.string("variant")) ?? .perElement
        alpha = parameters.optionalDouble("alpha") ?? (variant == .tutorial ? 0.8 : 0.25)
        gamma = parameters.double("gamma")
        reduction = parameters.reduction
    }

    /// The SIMD pass checks a float target for NaN/∞ itself; the reference path checks first.
    public static var validatesTargetFiniteness: Bool { true }

    /// float32 evaluation, gradient allocated.
    public func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    /// float32 evaluation: per_element with an integer γ ≤ 4 in one SIMD pass, otherwise the reference path.
    public func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        if variant == .perElement, SigmoidFocalLanes.supports(gamma: gamma) {
            let lanes = SigmoidFocalLanes(alpha: Float(alpha), gamma: Int(gamma))
            if let value = try ElementwiseSIMD.evaluate(lanes, batch, reduction: reduction, gradient: gradient) {
                return value
            }
        }
        try batch.requireFiniteTarget()
        return try run(batch).value(copyingGradientInto: gradient)
    }

    /// float64 evaluation (the Double reference path).
    public func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> {
        try batch.requireFiniteTarget()
        return try run(batch)
    }

    private func run<T: LossFloat>(_ batch: LossBatch<T>) throws(LossError) -> LossOutput<T> {
        let target: [T] = try Broadcast.expand(batch.target, to: batch.shape, field: "target")
        if variant == .tutorial { return try tutorial(batch, target: target) }
        let weight: [T]? = try ElementwiseReduction.elementWeight(batch.weight, shape: batch.shape)
        let input = batch.input
        let alpha = alpha, gamma = gamma
        return try ElementwiseReduction.evaluate(
            count: input.count, shape: batch.shape, reduction: reduction, weight: weight, gradOutput: batch.gradOutput
        ) { i in
            let x = Double(input[i]), t = Double(target[i])
            let p = SegmentationMath.sigmoid(x)
            let bce = SegmentationMath.bceWithLogits(x, t)
            // 1 − p_t exactly as torchvision writes it, so gradients agree with PyTorch when saturated.
            let miss = 1 - (p * t + (1 - p) * (1 - t))
            let missSlope = (1 - 2 * t) * SegmentationMath.sigmoidSlope(x)
            let focus = pow(miss, gamma)
            let focusSlope = gamma == 0 ? 0 : gamma * pow(miss, gamma - 1) * missSlope
            let balance = alpha >= 0 ? alpha * t + (1 - alpha) * (1 - t) : 1
            return (balance * bce * focus, balance * ((p - t) * focus + bce * focusSlope))
        }
    }

    private func tutorial<T: LossFloat>(_ batch: LossBatch<T>, target: [T]) throws(LossError) -> LossOutput<T> {
        guard batch.weight == nil else {
            throw LossError(.invalidTensor, "focal variant 'tutorial' takes no 'weight' tensor", field: "weight")
        }
        let input = batch.input
        let count = input.count
        let total = ChunkedSum.sum(count: count) { range -> SIMD2<Double> in
            var sum = 0.0
            for i in range {
                let x = Double(input[i])
                sum += SegmentationMath.bceWithLogits(x, Double(target[i]))
            }
            return SIMD2(sum, 0)
        }
        let meanBCE = total[0] / Double(count)
        // 1 − e^{−B̄} literally, as the tutorial's `1 - BCE_EXP`, so tiny B̄ rounds as PyTorch's does.
        let hit = 1 - exp(-meanBCE)
        let value = alpha * pow(hit, gamma) * meanBCE
        let hitPower = gamma == 0 ? 0 : gamma * pow(hit, gamma - 1) * exp(-meanBCE)
        let slope = alpha * (hitPower * meanBCE + pow(hit, gamma))
        let upstream: Double
        if reduction == .none {
            let expanded: [Double] = try ElementwiseReduction.elementGradOutput(batch.gradOutput, shape: [1]) ?? [1]
            upstream = expanded[0]
        } else {
            upstream = try ElementwiseReduction.scalarGradOutput(batch.gradOutput)
        }
        let scale = upstream * slope / Double(count)
        var grad = [T](repeating: 0, count: count)
        grad.withUnsafeMutableBufferPointer { out in
            ChunkedSum.forEach(count: count) { range in
                for i in range { out[i] = T(scale * (SegmentationMath.sigmoid(Double(input[i])) - Double(target[i]))) }
            }
        }
        return LossOutput(loss: [T(value)], lossShape: reduction == .none ? [1] : [], grad: grad)
    }
}
