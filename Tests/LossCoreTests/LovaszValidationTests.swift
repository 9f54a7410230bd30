import LossCore
import Testing

/// Validation and tie-order behaviour of `lovasz_hinge` and `lovasz_softmax`.
@Suite struct LovaszValidationTests {
    @Test("lovasz_hinge target with a different element count names target")
    func hingeTargetCount() throws {
        let error = classificationError {
            try evaluateClassification("lovasz_hinge", input: [0.1, 0.2, 0.3, 0.4], shape: [2, 2],
                                       target: Tensor(shape: [2, 1], float32: [1, 0]))
        }
        #expect(error?.field == "target")
        #expect(error?.code == .shapeMismatch)
    }

    @Test("lovasz_hinge takes no weight tensor")
    func hingeRefusesWeight() throws {
        let error = classificationError {
            try evaluateClassification("lovasz_hinge", input: [0.1, 0.2], shape: [2], target: Tensor(shape: [2], float32: [1, 0]),
                                       weight: Tensor(shape: [2], float32: [1, 1]))
        }
        #expect(error?.field == "weight")
    }

    @Test("lovasz_softmax rejects out-of-range labels, unknown classes mode and rank-1 input")
    func softmaxValidation() throws {
        let logits: [Float] = [0.1, -0.4, 2.0, 0.3, 1.1, -1.0]
        let outOfRange = classificationError {
            try evaluateClassification("lovasz_softmax", input: logits, shape: [2, 3], target: Tensor(shape: [2], storage: .int64([0, 3])))
        }
        #expect(outOfRange?.field == "target")
        let classes = classificationError {
            try evaluateClassification("lovasz_softmax", input: logits, shape: [2, 3], target: Tensor(shape: [2], storage: .int64([0, 1])),
                                       parameters: ["classes": .string("some")])
        }
        #expect(classes?.field == "classes")
        let rank = classificationError {
            try evaluateClassification("lovasz_softmax", input: [0.1, 0.2], shape: [2], target: Tensor(shape: [], storage: .int64([0])))
        }
        #expect(rank?.field == "input")
    }

    @Test("per-image none gives one loss per image; pooled none gives a scalar")
    func reductionShapes() throws {
        let input: [Float] = [0.5, -0.5, 1.0, 0.0, 2.0, -1.0]
        let target = try Tensor(shape: [3, 2], float32: [1, 0, 0, 1, 1, 0])
        let perImage = try evaluateClassification("lovasz_hinge", input: input, shape: [3, 2], target: target,
                                                  parameters: ["per_image": .bool(true), "reduction": .string("none")])
        #expect(perImage.loss.shape == [3])
        let pooled = try evaluateClassification("lovasz_hinge", input: input, shape: [3, 2], target: target,
                                                parameters: ["reduction": .string("none")])
        #expect(pooled.loss.shape == [])
    }

    @Test("tied errors are ordered by position, as if the earlier pixel's error were slightly larger")
    func tieOrderIsByPosition() throws {
        let target = try Tensor(shape: [2], float32: [0, 1])
        let tied = try evaluateClassification("lovasz_hinge", input: [0, 0], shape: [2], target: target)
        // Pixel 0 is background, so a slightly larger logit raises its error 1 + x above pixel 1's.
        let broken = try evaluateClassification("lovasz_hinge", input: [0.001, 0], shape: [2], target: target)
        let tiedGrad: [Double] = tied.grad.values(), brokenGrad: [Double] = broken.grad.values()
        #expect(tiedGrad == brokenGrad)
        // Breaking the tie the other way (pixel 1's error larger) lands in a different linear piece.
        let reversed = try evaluateClassification("lovasz_hinge", input: [0, -0.001], shape: [2], target: target)
        #expect(reversed.grad != tied.grad)
    }
}
