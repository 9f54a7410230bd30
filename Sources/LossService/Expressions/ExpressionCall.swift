import LossCore
import LossExpressions

/// Evaluates a decoded ``LossCall`` of ``ExpressionLoss``: reads `expression`, `reduction` and
/// `wrt` from its parameters, passes the rest to the expression by name, and answers the loss and
/// d(loss)/d(input) as a ``LossResult`` — the same shape of answer every format already encodes.
enum ExpressionCall {
    /// Parameters that steer the evaluation rather than being names in the expression.
    static let controlParameters: Set<String> = ["expression", "reduction", "wrt"]

    /// Runs the call's expression.
    /// - Throws: ``ServiceError`` 422 (`invalid_expression`, `expression_too_large`, …) with the
    ///   line, column and caret line in its message.
    static func evaluate(_ call: LossCall, registry: LossRegistry, limits: ExpressionLimits) throws(ServiceError) -> LossResult {
        guard let sourceValue = call.parameters["expression"], sourceValue != .null else {
            throw ServiceError(.unprocessableContent, code: "missing_expression",
                               "the request has no 'expression' (JSON: a member beside the tensors; safetensors: __metadata__; KServe: a request parameter)",
                               field: "expression")
        }
        guard case .string(let source) = sourceValue else {
            throw ServiceError(.unprocessableContent, code: "invalid_expression", "'expression' must be a string, got \(sourceValue)",
                               field: "expression")
        }
        let reduction = try string(call.parameters["reduction"], "reduction") ?? "mean"
        let wrt = try string(call.parameters["wrt"], "wrt").map { $0.split(separator: ",").map { $0.trimmingCharacters() } } ?? ["input"]
        guard wrt == ["input"] else {
            throw ServiceError(.unprocessableContent, code: "invalid_parameter",
                               "'wrt' other than [\"input\"] is not served over HTTP yet (the engine supports it)", field: "wrt")
        }
        var tensors: [String: Tensor] = ["input": call.inputs.input, "target": call.inputs.target]
        if let weight = call.inputs.weight { tensors["weight"] = weight }
        if let variance = call.inputs.variance { tensors["var"] = variance }
        let parameters = call.parameters.filter { !controlParameters.contains($0.key) }
        do {
            let program = try ExpressionProgram(source: source, limits: limits)
            let result = try program.evaluate(ExpressionRequest(tensors: tensors, parameters: parameters, reduction: reduction,
                                                                gradOutput: call.inputs.gradOutput, wrt: wrt, registry: registry))
            return LossResult(loss: result.loss, grad: result.gradients[0].gradient)
        } catch {
            throw ServiceError(error)
        }
    }

    private static func string(_ value: ParameterValue?, _ name: String) throws(ServiceError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case let other?:
            throw ServiceError(.unprocessableContent, code: "invalid_parameter", "parameter '\(name)' must be a string, got \(other)", field: name)
        }
    }
}

extension ServiceError {
    /// 422 for an expression that does not parse, check or evaluate; the message is the
    /// expression's own `expression:line:column: reason` with its caret line.
    init(_ error: ExpressionError) {
        self.init(.unprocessableContent, code: error.code.rawValue, error.description, field: error.field)
    }
}

extension Substring {
    /// Without surrounding spaces.
    func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
