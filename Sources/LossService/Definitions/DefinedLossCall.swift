import LossCore
import LossExpressions

/// Evaluates a ``LossCall`` of a named custom loss: the parameters are validated against the
/// definition's schema (defaults filled in, unknown names refused — a client cannot slip in an
/// `expression`), the tensors against its dtypes, and the definition's compiled program runs.
enum DefinedLossCall {
    /// Runs `definition` on `call`.
    /// - Throws: ``ServiceError`` 422 for unusable parameters, tensors or shapes.
    static func evaluate(_ definition: LossDefinition, call: LossCall, registry: LossRegistry,
                         limits: ExpressionLimits) throws(ServiceError) -> LossResult {
        let parameters: Parameters
        do {
            parameters = try Parameters(call.parameters, specs: definition.descriptor.parameters)
            try LossRegistry.checkDTypes(call.inputs, for: definition.descriptor)
        } catch {
            throw ServiceError(error)
        }
        for name in definition.requiredParameters where !parameters.has(name) {
            throw ServiceError(.unprocessableContent, code: "missing_parameter",
                               "loss '\(definition.name)' needs the parameter '\(name)' (it has no default)", field: name)
        }
        guard call.inputs.input.dtype.isFloatingPoint else {
            throw ServiceError(.unprocessableContent, code: "invalid_dtype", "'input' must be a floating-point tensor", field: "input")
        }
        var tensors: [String: Tensor] = ["input": call.inputs.input, "target": call.inputs.target]
        if let weight = call.inputs.weight { tensors["weight"] = weight }
        if let variance = call.inputs.variance { tensors["var"] = variance }
        var values = parameters.all
        let reduction = values.removeValue(forKey: "reduction").flatMap { if case .string(let text) = $0 { text } else { nil } } ?? "mean"
        do {
            let result = try definition.program.evaluate(ExpressionRequest(
                tensors: tensors, parameters: values, reduction: reduction, gradOutput: call.inputs.gradOutput,
                wrt: ["input"], registry: registry))
            return LossResult(loss: result.loss, grad: result.gradients[0].gradient)
        } catch {
            throw ServiceError(error)
        }
    }
}
