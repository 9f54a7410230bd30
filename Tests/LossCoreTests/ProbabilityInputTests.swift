import Testing
@testable import LossCore

/// Losses that take probabilities refuse values outside [0, 1] (and NaN) as `bce` does, instead
/// of answering a NaN or meaningless loss.
@Suite struct ProbabilityInputTests {
    static let regionLosses = ["dice", "iou", "tversky", "focal_tversky", "dice_bce", "combo", "mcc", "generalized_dice"]

    static func evaluate(_ name: String, input values: [Float], dtype: DType, parameters: [String: ParameterValue]) throws(LossError) {
        let shape = [1, 1, 1, values.count]
        let input = dtype == .float64 ? try! Tensor(shape: shape, float64: values.map(Double.init))
                                      : try! Tensor(shape: shape, float32: values)
        let target = try! Tensor(shape: shape, float32: values.indices.map { Float($0 % 2) })
        let loss = LossRegistry.standard.loss(named: name)!
        _ = try LossRegistry.standard.evaluate(loss, parameters: parameters, inputs: LossInputs(input: input, target: target))
    }

    @Test("region losses with from_logits false answer invalid_value for input outside [0, 1] or NaN",
          arguments: regionLosses)
    func regionLossesRefuseOutOfRange(_ name: String) throws {
        for bad: Float in [1.5, -0.2, .nan, .infinity] {
            for dtype in [DType.float32, .float64] {
                #expect(throws: LossError.self) {
                    try Self.evaluate(name, input: [0.25, bad, 0.5, 1], dtype: dtype, parameters: ["from_logits": .bool(false)])
                }
                do {
                    try Self.evaluate(name, input: [0.25, bad, 0.5, 1], dtype: dtype, parameters: ["from_logits": .bool(false)])
                } catch {
                    #expect(error.code == .invalidValue && error.field == "input")
                }
            }
        }
    }

    @Test("the bounds themselves are accepted, and logits are not range-checked", arguments: regionLosses)
    func boundsAndLogitsAreAccepted(_ name: String) throws {
        try Self.evaluate(name, input: [0, 1, 0.5, 1], dtype: .float32, parameters: ["from_logits": .bool(false)])
        try Self.evaluate(name, input: [-3, 7.5, 0.5, 1], dtype: .float32, parameters: [:])
    }

    @Test("lovasz_softmax with from_logits false refuses a probability above 1")
    func lovaszSoftmaxRefusesOutOfRange() throws {
        let input = try Tensor(shape: [1, 2, 1, 2], float32: [0.2, 1.5, 0.8, 0.5])
        let target = try Tensor(shape: [1, 1, 2], storage: .int64([0, 1]))
        let loss = LossRegistry.standard.loss(named: "lovasz_softmax")!
        #expect(throws: LossError.self) {
            _ = try LossRegistry.standard.evaluate(loss, parameters: ["from_logits": .bool(false)],
                                                   inputs: LossInputs(input: input, target: target))
        }
    }
}
