import LossCore
import Testing

/// Parameter, shape and value validation of the elementwise losses: every rejection is a
/// ``LossError`` naming the parameter or tensor at fault.
@Suite struct ElementwiseValidationTests {
    private func evaluate(_ name: String, _ parameters: [String: ParameterValue] = [:],
                          input: [Double] = [0.25, 0.5, 0.75, 0.5], shape: [Int] = [2, 2],
                          target: Tensor? = nil, weight: Tensor? = nil, variance: Tensor? = nil) throws -> LossResult {
        let loss = try #require(LossRegistry.standard.loss(named: name))
        let inputs = LossInputs(input: try Tensor(shape: shape, float64: input),
                                target: try target ?? Tensor(shape: shape, float64: [1, 0, 1, 0]),
                                weight: weight, variance: variance)
        return try LossRegistry.standard.evaluate(loss, parameters: parameters, inputs: inputs)
    }

    private func error(_ body: () throws -> LossResult) -> LossError? {
        do { _ = try body(); return nil } catch let error as LossError { return error } catch { return nil }
    }

    @Test("out-of-range parameters name the parameter", arguments: [
        ("smooth_l1", "beta", -0.5), ("huber", "delta", 0.0), ("charbonnier", "eps", 0.0),
        ("quantile", "tau", 0.0), ("quantile", "tau", 1.0), ("pinball", "tau", 1.5),
        ("bce_with_logits", "label_smoothing", 1.0), ("bce_with_logits", "label_smoothing", -0.1),
        ("poisson_nll", "eps", -1.0), ("gaussian_nll", "eps", -1e-6),
    ])
    func rejectsOutOfRange(loss: String, parameter: String, value: Double) {
        let failure = error { try evaluate(loss, [parameter: .number(value)], variance: Tensor.scalar(1, dtype: .float64)) }
        #expect(failure?.code == .invalidParameter)
        #expect(failure?.field == parameter)
    }

    @Test("unknown parameters are rejected by name", arguments: ["l1", "bce", "soft_margin", "log_cosh"])
    func rejectsUnknownParameter(loss: String) {
        let failure = error { try evaluate(loss, ["delta": .number(1)]) }
        #expect(failure?.code == .unknownParameter)
        #expect(failure?.field == "delta")
    }

    @Test("aliases resolve to the same loss", arguments: [
        ("l1_loss", "l1"), ("mae", "l1"), ("binary_cross_entropy", "bce"),
        ("binary_cross_entropy_with_logits", "bce_with_logits"), ("pinball", "quantile"),
    ])
    func aliasesResolve(alias: String, name: String) throws {
        let loss = try #require(LossRegistry.standard.loss(named: alias))
        #expect(loss.descriptor.name == name)
    }

    @Test("a target that does not broadcast names target",
          arguments: ["l1", "bce", "bce_with_logits", "smooth_l1", "huber", "log_cosh", "charbonnier",
                      "quantile", "poisson_nll", "soft_margin"])
    func rejectsTargetShape(loss: String) throws {
        let failure = error { try evaluate(loss, target: try Tensor(shape: [3], float64: [1, 0, 1])) }
        #expect(failure?.code == .shapeMismatch)
        #expect(failure?.field == "target")
    }

    @Test("a weight that does not broadcast names weight")
    func rejectsWeightShape() throws {
        let failure = error { try evaluate("huber", weight: try Tensor(shape: [3], float64: [1, 1, 1])) }
        #expect(failure?.code == .shapeMismatch)
        #expect(failure?.field == "weight")
    }

    @Test("bce rejects probabilities outside [0, 1] and NaN, naming input", arguments: [1.5, -0.01, Double.nan])
    func bceRejectsNonProbabilities(value: Double) {
        let failure = error { try evaluate("bce", input: [0.5, value, 0.5, 0.5]) }
        #expect(failure?.code == .invalidValue)
        #expect(failure?.field == "input")
    }

    @Test("pos_weight must have length 1 or the last dimension", arguments: [[1.0, 2.0, 3.0], []])
    func posWeightLength(weights: [Double]) {
        let failure = error { try evaluate("bce_with_logits", ["pos_weight": .numbers(weights)]) }
        #expect(failure?.code == .invalidParameter)
        #expect(failure?.field == "pos_weight")
    }

    @Test("pos_weight accepts a scalar and a per-class list")
    func posWeightAccepted() throws {
        _ = try evaluate("bce_with_logits", ["pos_weight": .number(2)])
        _ = try evaluate("bce_with_logits", ["pos_weight": .numbers([2, 0.5])])
    }

    @Test("hinge_embedding rejects targets other than 1 and -1")
    func hingeTargets() throws {
        let failure = error { try evaluate("hinge_embedding", target: try Tensor(shape: [2, 2], float64: [1, -1, 0, 1])) }
        #expect(failure?.code == .invalidValue)
        #expect(failure?.field == "target")
    }

    @Test("gaussian_nll requires var")
    func gaussianNeedsVariance() {
        let failure = error { try evaluate("gaussian_nll") }
        #expect(failure?.code == .missingTensor)
        #expect(failure?.field == "var")
    }

    @Test("gaussian_nll rejects var shapes PyTorch rejects", arguments: [[3], [2, 3], [1, 1], [2, 2, 1]])
    func gaussianVarianceShape(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        let variance = try Tensor(shape: shape, float64: Array(repeating: 1, count: count))
        let failure = error { try evaluate("gaussian_nll", variance: variance) }
        #expect(failure?.code == .shapeMismatch)
        #expect(failure?.field == "var")
    }

    @Test("gaussian_nll accepts var with input's shape, one dimension short, or one dimension 1",
          arguments: [[2, 2], [2], [2, 1], [1, 2]])
    func gaussianVarianceAccepted(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        _ = try evaluate("gaussian_nll", variance: try Tensor(shape: shape, float64: Array(repeating: 0.5, count: count)))
    }

    @Test("gaussian_nll rejects negative and non-finite var", arguments: [-0.5, Double.infinity, Double.nan])
    func gaussianVarianceValues(value: Double) throws {
        let variance = try Tensor(shape: [2, 2], float64: [1, value, 1, 1])
        let failure = error { try evaluate("gaussian_nll", variance: variance) }
        #expect(failure?.code == .invalidValue)
        #expect(failure?.field == "var")
    }

    @Test("empty input: mean is NaN as in PyTorch, sum is 0")
    func emptyInput() throws {
        let empty = try Tensor(shape: [0], float64: [])
        let mean = try evaluate("l1", input: [], shape: [0], target: empty)
        let sum = try evaluate("bce_with_logits", ["reduction": .string("sum")], input: [], shape: [0], target: empty)
        #expect((mean.loss.scalarValue ?? 0).isNaN)
        #expect(sum.loss.scalarValue == 0)
    }

    @Test("extreme logits give finite losses and gradients")
    func extremeLogitsStayFinite() throws {
        let input: [Double] = [-1e300, 1e300, -800, 800]
        for name in ["bce_with_logits", "soft_margin", "log_cosh"] {
            let labels: [Double] = name == "bce_with_logits" ? [1, 0, 1, 0] : [1, -1, 1, -1]
            let result = try evaluate(name, ["reduction": .string("none")], input: input,
                                      target: try Tensor(shape: [2, 2], float64: labels))
            let losses: [Double] = result.loss.values()
            let grads: [Double] = result.grad.values()
            let finite = losses.allSatisfy { $0.isFinite } && grads.allSatisfy { $0.isFinite }
            #expect(finite, "\(name): loss \(losses), grad \(grads)")
        }
    }
}
