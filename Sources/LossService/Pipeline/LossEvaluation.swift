import LossCore
import LossExpressions

/// A decoded ``LossCall`` about to be evaluated, handed to the format that encodes the answer.
///
/// The encoder decides how the result comes into being: ``result()`` allocates the gradient (for
/// JSON, which prints it), while ``loss(writingGradientInto:)`` has the kernel write the gradient
/// straight into its place in a binary response body. Either runs the loss exactly once per call.
struct LossEvaluation: Sendable {
    /// The registry that validates and runs the loss.
    let registry: LossRegistry
    /// What to evaluate.
    let call: LossCall
    /// Limits for ``ExpressionLoss`` calls.
    var expressionLimits: ExpressionLimits = .standard

    /// The gradient's dtype: the input's.
    var gradientDType: DType { call.inputs.input.dtype }
    /// The gradient's shape: the input's.
    var gradientShape: [Int] { call.inputs.input.shape }
    /// The gradient's size in bytes (the input's elements are in memory, so this cannot overflow).
    var gradientByteCount: Int { call.inputs.input.count * gradientDType.itemSize }

    /// Whether the kernel can write the gradient into a caller's buffer: only floating-point
    /// inputs have a gradient (others fail in ``result()`` with the registry's error).
    var canWriteGradientInPlace: Bool { gradientDType.isFloatingPoint }

    /// The loss's shape as the parameters imply it, so a binary layout can be fixed before the
    /// loss runs: `[]` for a reduced loss, the input's shape for `reduction: none`. Losses whose
    /// unreduced loss has another shape (cross entropy drops the class axis) are caught by the
    /// encoder comparing it with the actual shape, which then lays the body out again.
    var expectedLossShape: [Int] {
        let reduction: ParameterValue? = call.parameters["reduction"]
            ?? (call.definition?.descriptor ?? call.loss.descriptor).parameters.first { $0.name == "reduction" }?.defaultValue
        if case .string("none")? = reduction { return gradientShape }
        return []
    }

    /// Evaluates the loss, allocating its gradient.
    /// - Throws: ``ServiceError`` 422 for unusable parameters or tensors.
    func result() throws(ServiceError) -> LossResult {
        if let definition = call.definition {
            return try DefinedLossCall.evaluate(definition, call: call, registry: registry, limits: expressionLimits)
        }
        if call.loss == ExpressionLoss.self {
            return try ExpressionCall.evaluate(call, registry: registry, limits: expressionLimits)
        }
        do {
            return try registry.evaluate(call.loss, parameters: call.parameters, inputs: call.inputs)
        } catch {
            throw ServiceError(error)
        }
    }

    /// Evaluates the loss, writing the gradient into `gradient`.
    /// - Parameter gradient: Exactly ``gradientByteCount`` bytes, aligned to the dtype's size.
    /// - Returns: The loss tensor.
    /// - Throws: ``ServiceError`` 422 for unusable parameters or tensors.
    func loss(writingGradientInto gradient: UnsafeMutableRawBufferPointer) throws(ServiceError) -> Tensor {
        if call.loss == ExpressionLoss.self {
            let result = try result()
            result.grad.withUnsafeBytes { gradient.copyMemory(from: $0) }
            return result.loss
        }
        do {
            return try registry.evaluate(call.loss, parameters: call.parameters, inputs: call.inputs, gradientInto: gradient)
        } catch {
            throw ServiceError(error)
        }
    }
}
