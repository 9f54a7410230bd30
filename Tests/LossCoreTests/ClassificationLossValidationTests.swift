import LossCore
import Testing

/// Validation of `kl_div`, `multilabel_soft_margin`, `poly1` and `softmax_focal`.
@Suite struct ClassificationLossValidationTests {
    let values: [Float] = [0.1, -0.4, 2.0, 0.3, 1.1, -1.0]

    @Test("kl_div target that does not broadcast names target")
    func klDivTargetShape() throws {
        let error = classificationError {
            try evaluateClassification("kl_div", input: values, shape: [2, 3], target: Tensor(shape: [2], float32: [0.5, 0.5]))
        }
        #expect(error?.field == "target")
        #expect(error?.code == .shapeMismatch)
    }

    @Test("batchmean is accepted by kl_div only")
    func batchmeanOnlyForKLDiv() throws {
        let target = try Tensor(shape: [2, 3], float32: [0.2, 0.3, 0.5, 0.1, 0.1, 0.8])
        let klDiv = try evaluateClassification("kl_div", input: values, shape: [2, 3], target: target,
                                               parameters: ["reduction": .string("batchmean")])
        #expect(klDiv.loss.shape == [])
        let error = classificationError {
            try evaluateClassification("ce", input: values, shape: [2, 3], target: target, parameters: ["reduction": .string("batchmean")])
        }
        #expect(error?.field == "reduction")
    }

    @Test("multilabel_soft_margin weight that does not broadcast names weight")
    func multilabelWeightShape() throws {
        let error = classificationError {
            try evaluateClassification("multilabel_soft_margin", input: values, shape: [2, 3],
                                       target: Tensor(shape: [2, 3], float32: [0, 1, 0, 1, 1, 0]),
                                       weight: Tensor(shape: [2], float32: [1, 2]))
        }
        #expect(error?.field == "weight")
    }

    @Test("multilabel_soft_margin none has one value per sample")
    func multilabelNoneShape() throws {
        let result = try evaluateClassification("multilabel_soft_margin", input: values, shape: [2, 3],
                                                target: Tensor(shape: [2, 3], float32: [0, 1, 0, 1, 1, 0]),
                                                parameters: ["reduction": .string("none")])
        #expect(result.loss.shape == [2])
    }

    @Test("poly1 class weight count and epsilon type are validated")
    func poly1Validation() throws {
        let target = try Tensor(shape: [2], storage: .int64([0, 2]))
        let weight = classificationError {
            try evaluateClassification("poly1", input: values, shape: [2, 3], target: target,
                                       weight: Tensor(shape: [4], float32: [1, 1, 1, 1]))
        }
        #expect(weight?.field == "weight")
        let epsilon = classificationError {
            try evaluateClassification("poly1", input: values, shape: [2, 3], target: target, parameters: ["epsilon": .string("big")])
        }
        #expect(epsilon?.field == "epsilon")
    }

    @Test("softmax_focal needs (N, C, d…) input, non-negative gamma and index targets")
    func softmaxFocalValidation() throws {
        let target = try Tensor(shape: [2], storage: .int64([0, 2]))
        let rank = classificationError {
            try evaluateClassification("softmax_focal", input: [0.1, 0.2, 0.3], shape: [3], target: Tensor(shape: [], storage: .int64([1])))
        }
        #expect(rank?.field == "input")
        let gamma = classificationError {
            try evaluateClassification("softmax_focal", input: values, shape: [2, 3], target: target, parameters: ["gamma": .number(-1)])
        }
        #expect(gamma?.field == "gamma")
        let probabilities = classificationError {
            try evaluateClassification("softmax_focal", input: values, shape: [2, 3], target: Tensor(shape: [2, 3], float32: values))
        }
        #expect(probabilities?.field == "target")
        let outOfRange = classificationError {
            try evaluateClassification("softmax_focal", input: values, shape: [2, 3], target: Tensor(shape: [2], storage: .int32([0, 5])))
        }
        #expect(outOfRange?.field == "target")
    }
}
