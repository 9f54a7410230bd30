import Foundation
import Testing
import LossCore

/// Saturated logits: the focal losses must compute their BCE exactly as `bce_with_logits` does
/// (PyTorch's order), so the family agrees with itself and with PyTorch's float64 rounding.
@Suite struct SaturationAccuracyTests {
    static let logits: [Double] = [25.3, -31.0, 40.2, 22.0, -0.5, 3.0]
    static let targets: [Double] = [1, 0, 1, 1, 0, 1]

    static func evaluate(_ name: String, _ parameters: [String: ParameterValue], reduction: String = "mean") throws -> LossResult {
        let inputs = LossInputs(input: try Tensor(shape: [logits.count], float64: logits),
                                target: try Tensor(shape: [targets.count], float64: targets))
        var parameters = parameters
        parameters["reduction"] = .string(reduction)
        return try LossRegistry.standard.evaluate(try #require(LossRegistry.standard.loss(named: name)),
                                                  parameters: parameters, inputs: inputs)
    }

    @Test("per-element focal with γ = 0 and no α is exactly bce_with_logits, saturated logits included")
    func focalWithoutFocusingIsBCE() throws {
        let bce: [Double] = try Self.evaluate("bce_with_logits", [:], reduction: "none").loss.values()
        let focal: [Double] = try Self.evaluate("focal", ["alpha": .number(-1), "gamma": .number(0)], reduction: "none").loss.values()
        #expect(focal == bce)
    }

    @Test("the tutorial focal loss is α(1 − e^{−B̄})^γ B̄ of the mean bce_with_logits")
    func tutorialFocalUsesTheMeanBCE() throws {
        let meanBCE = try #require(try Self.evaluate("bce_with_logits", [:]).loss.scalarValue)
        let expected = 0.8 * pow(1 - exp(-meanBCE), 2) * meanBCE
        let value = try #require(try Self.evaluate("focal", ["variant": .string("tutorial")]).loss.scalarValue)
        #expect(abs(value - expected) <= 1e-14 * abs(expected), "focal \(value) vs \(expected)")
    }
}
