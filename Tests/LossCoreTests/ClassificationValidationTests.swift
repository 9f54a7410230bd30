import LossCore
import Testing

/// Evaluates a registered loss by name on float32 data.
func evaluateClassification(_ name: String, input: [Float], shape: [Int], target: Tensor, weight: Tensor? = nil,
                            parameters: [String: ParameterValue] = [:]) throws(LossError) -> LossResult {
    guard let loss = LossRegistry.standard.loss(named: name) else {
        throw LossError(.invalidParameter, "\(name) is not registered")
    }
    return try LossRegistry.standard.evaluate(
        loss, parameters: parameters,
        inputs: LossInputs(input: Tensor(shape: shape, float32: input), target: target, weight: weight))
}

/// The error a throwing evaluation produced, or `nil` when it succeeded.
func classificationError(_ body: () throws -> LossResult) -> LossError? {
    do { _ = try body(); return nil } catch { return error as? LossError ?? LossError(.invalidTensor, "\(error)") }
}

/// Validation of `cross_entropy` and `nll`: every rejection names the tensor or parameter at fault.
@Suite struct CrossEntropyValidationTests {
    let logits: [Float] = [0.1, -0.4, 2.0, 0.3, 1.1, -1.0]

    @Test("class weight with the wrong number of classes names weight")
    func classWeightCountMismatch() throws {
        let weight = try Tensor(shape: [2], float32: [1, 2])
        let error = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: Tensor(shape: [2], storage: .int64([0, 2])),
                                       weight: weight)
        }
        #expect(error?.field == "weight")
        #expect(error?.code == .shapeMismatch)
    }

    @Test("class index out of range and not ignore_index names target")
    func targetOutOfRange() throws {
        for name in ["cross_entropy", "nll"] {
            let error = classificationError {
                try evaluateClassification(name, input: logits, shape: [2, 3], target: Tensor(shape: [2], storage: .int64([0, 3])))
            }
            #expect(error?.field == "target")
            #expect(error?.code == .invalidValue)
        }
    }

    @Test("a fractional float index names target")
    func fractionalIndex() throws {
        let error = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: Tensor(shape: [2], float32: [0, 1.5]))
        }
        #expect(error?.field == "target")
    }

    @Test("a huge float index is rejected without trapping")
    func hugeFloatIndex() throws {
        let error = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: Tensor(shape: [2], float64: [0, 1e300]))
        }
        #expect(error?.field == "target")
    }

    @Test("a target of neither index nor probability shape names target")
    func targetShapeMismatch() throws {
        let error = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: Tensor(shape: [3], storage: .int64([0, 1, 2])))
        }
        #expect(error?.field == "target")
        #expect(error?.code == .shapeMismatch)
    }

    @Test("nll refuses probability targets")
    func nllRefusesProbabilities() throws {
        let error = classificationError {
            try evaluateClassification("nll", input: logits, shape: [2, 3], target: Tensor(shape: [2, 3], float32: logits))
        }
        #expect(error?.field == "target")
    }

    @Test("a non-negative ignore_index with probability targets names ignore_index, as PyTorch")
    func ignoreIndexWithProbabilities() throws {
        let error = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: Tensor(shape: [2, 3], float32: logits),
                                       parameters: ["ignore_index": .number(0)])
        }
        #expect(error?.field == "ignore_index")
    }

    @Test("label_smoothing outside [0, 1] and unknown parameters are named")
    func parameterValidation() throws {
        let target = try Tensor(shape: [2], storage: .int64([0, 1]))
        let smoothing = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: target, parameters: ["label_smoothing": .number(1.5)])
        }
        #expect(smoothing?.field == "label_smoothing")
        let fractionalIgnore = classificationError {
            try evaluateClassification("nll", input: logits, shape: [2, 3], target: target, parameters: ["ignore_index": .number(0.5)])
        }
        #expect(fractionalIgnore?.field == "ignore_index")
        let unknown = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: target, parameters: ["smoothing": .number(0.1)])
        }
        #expect(unknown?.code == .unknownParameter)
    }

    @Test("an ignore_index a uint8 target cannot hold is refused naming ignore_index")
    func unreachableIgnoreIndex() throws {
        let error = classificationError {
            try evaluateClassification("ce", input: logits, shape: [2, 3], target: Tensor(shape: [2], storage: .uint8([0, 2])),
                                       parameters: ["ignore_index": .number(-5)])
        }
        #expect(error?.field == "ignore_index")
    }

    @Test("a scalar input without class dimension names input")
    func rankZeroInput() throws {
        let error = classificationError {
            try evaluateClassification("ce", input: [1], shape: [], target: Tensor(shape: [], storage: .int64([0])))
        }
        #expect(error?.field == "input")
    }
}
