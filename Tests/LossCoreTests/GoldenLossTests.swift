import Testing
import LossCore

/// Every loss against PyTorch float64 autograd on the committed golden cases.
@Suite struct GoldenLossTests {
    @Test("loss and gradient agree with PyTorch", arguments: GoldenCase.load())
    func agreesWithPyTorch(_ golden: GoldenCase) throws {
        let loss = try #require(LossRegistry.standard.loss(named: golden.loss), "\(golden.loss) is not registered")
        let result = try LossRegistry.standard.evaluate(loss, parameters: golden.params, inputs: golden.inputs)
        let tolerance = golden.inputs.input.dtype == .float64 ? 1e-9 : 2e-5
        let lossValues: [Double] = result.loss.values()
        let gradValues: [Double] = result.grad.values()
        #expect(result.loss.shape == golden.expectedLoss.shape)
        #expect(result.grad.shape == golden.expectedGrad.shape)
        #expect(agrees(lossValues, golden.expectedLoss.values, relative: tolerance),
                "loss \(lossValues.prefix(8)) vs \(golden.expectedLoss.values.prefix(8))")
        #expect(agrees(gradValues, golden.expectedGrad.values, relative: tolerance),
                "grad \(gradValues.prefix(8)) vs \(golden.expectedGrad.values.prefix(8))")
    }

    @Test("every registered loss has at least six golden cases")
    func everyLossHasFixtures() {
        let counts = Dictionary(grouping: GoldenCase.load(), by: \.loss).mapValues(\.count)
        for descriptor in LossRegistry.standard.descriptors {
            #expect((counts[descriptor.name] ?? 0) >= 6, "\(descriptor.name) has \(counts[descriptor.name] ?? 0) cases")
        }
    }
}
