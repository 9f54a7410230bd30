import LossCore
import LossExpressions

/// The "loss" of `POST /v1/losses/expression` and `/v2/models/expression/infer`: the user's own
/// expression (EXPRESSIONS.md), carried in the call's `expression` parameter.
///
/// It exists so the wire formats decode an expression request exactly like a built-in one (one
/// pipeline); ``LossEvaluation`` sees this type and evaluates with ``ExpressionCall`` instead of
/// the registry, so the `Loss` methods below never run.
struct ExpressionLoss: Loss {
    static let descriptor = LossDescriptor(
        name: "expression", summary: "A loss written as an expression in the request (EXPRESSIONS.md), differentiated automatically.",
        formula: "the 'expression' parameter",
        inputs: [.input(), .init("target", dtypes: LossDescriptor.Input.maskDTypes, "Any tensor the expression names."),
                 .init("weight", dtypes: LossDescriptor.Input.maskDTypes, required: false, "Optional; any shape the expression broadcasts."),
                 .init("var", dtypes: LossDescriptor.Input.maskDTypes, required: false, "Optional; named `var` in the expression.")],
        parameters: [.reduction(),
                     ParameterSpec("expression", .choice([]), default: nil, "The program (EXPRESSIONS.md)."),
                     ParameterSpec("wrt", .choice([]), default: nil, "Comma-separated float tensors to differentiate (default input).")])

    init(parameters: Parameters) throws(LossError) {}

    func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> { throw Self.notARegistryLoss }
    func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> { throw Self.notARegistryLoss }

    private static let notARegistryLoss = LossError(.invalidParameter, "expressions are evaluated by the expression engine")
}
