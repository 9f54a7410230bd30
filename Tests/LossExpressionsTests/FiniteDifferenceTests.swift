import Foundation
import LossCore
import LossExpressions
import Testing

/// Gradients checked independently of the golden files: central finite differences in float64
/// on expressions over every operation, at points away from kinks.
@Suite struct FiniteDifferenceTests {
    static let sources = [
        "mean(exp(input) * log1p(target) - expm1(input / 4) + sqrt(abs(input) + 1))",
        "sum(sigmoid(input) * logsigmoid(target) + softplus(input * 3) * tanh(target))",
        "sum(relu(input) + sign(input) * input + clamp(input, -0.3, 0.4) + min(input, target) + max(input, 0.2))",
        "p = pow(target + 1, input); q = where(input > target, input^2, -input); sum(p + q)",
        "logsumexp(input, axis=1, keepdim=true) * amax(target * input, axis=0) + amin(input)",
        "-mean(sum(one_hot(labels, 3) * log_softmax(input, axis=1), axis=1)) + sum(softmax(input, axis=-1) * target)",
        "mean(input - target, axis=1)^2 * 3",
        "dice(input, target) + 0.5 * bce_with_logits(input, target, pos_weight=2) + mse(input, target)",
        "s = smooth; 1 - (2 * sum(sigmoid(input) * target) + s) / (sum(sigmoid(input)) + sum(target) + s)",
    ]

    static func tensors() throws -> [String: Tensor] {
        var random = SplitMix(seed: 42)
        let input = (0..<12).map { _ in random.uniform() * 3 - 1.5 }
        let target = (0..<12).map { _ in random.uniform() }
        return ["input": try Tensor(shape: [2, 3, 2], float64: input), "target": try Tensor(shape: [2, 3, 2], float64: target),
                "labels": try Tensor(shape: [2, 2], storage: .int64([0, 2, 1, 5]))]
    }

    @Test("reverse-mode gradients match central differences", arguments: sources)
    func matchesFiniteDifferences(source: String) throws {
        let program = try ExpressionProgram(source: source)
        var tensors = try Self.tensors()
        let request = ExpressionRequest(tensors: tensors, parameters: ["smooth": .number(1)], reduction: "sum", wrt: ["input", "target"])
        let result = try program.evaluate(request)
        for name in ["input", "target"] {
            let analytic: [Double] = try #require(result.gradient(name)).values()
            let base: [Double] = tensors[name]!.values()
            for i in base.indices {
                let h = 1e-6
                func loss(_ delta: Double) throws -> Double {
                    var values = base
                    values[i] += delta
                    tensors[name] = try Tensor(shape: tensors[name]!.shape, float64: values)
                    var shifted = request
                    shifted.tensors = tensors
                    return try program.evaluate(shifted).loss.values(as: Double.self).reduce(0, +)
                }
                let numeric = (try loss(h) - loss(-h)) / (2 * h)
                tensors[name] = try Tensor(shape: tensors[name]!.shape, float64: base)
                // Catalog losses take no gradient for their target: the expression reports 0 there.
                if source.hasPrefix("dice"), name == "target" { continue }
                #expect(abs(numeric - analytic[i]) <= 1e-5 * max(1, abs(numeric)), "d/d\(name)[\(i)]: \(analytic[i]) vs \(numeric)")
            }
        }
    }

    @Test("results are bitwise identical across runs and concurrent evaluations")
    func deterministic() async throws {
        var random = SplitMix(seed: 7)
        let n = 300_000
        let input = try Tensor(shape: [n], float32: (0..<n).map { _ in Float(random.uniform() * 6 - 3) })
        let target = try Tensor(shape: [n], float32: (0..<n).map { _ in random.uniform() < 0.5 ? 1 : 0 })
        let program = try ExpressionProgram(source: TutorialAgreementTests.dice)
        let request = ExpressionRequest(tensors: ["input": input, "target": target], parameters: ["smooth": .number(1)])
        let first = try program.evaluate(request)
        let results = try await withThrowingTaskGroup(of: ExpressionResult.self) { group in
            for _ in 0..<4 { group.addTask { try program.evaluate(request) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for result in results { #expect(result == first) }
    }
}
