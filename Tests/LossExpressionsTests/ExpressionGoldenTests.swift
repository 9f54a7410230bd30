import Foundation
import LossCore
import LossExpressions
import Testing

/// One case of `Tests/Fixtures/expressions/golden.json`, written by `generate.py` from PyTorch
/// float64 autograd.
struct ExpressionGoldenCase: CustomTestStringConvertible, Sendable {
    let name: String
    let expression: String
    let tensors: [String: Tensor]
    let parameters: [String: ParameterValue]
    let reduction: String
    let gradOutput: Tensor?
    let wrt: [String]
    let expectedLoss: [Double]
    let expectedGrads: [String: [Double]]

    var testDescription: String { name }

    static func load() -> [ExpressionGoldenCase] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/expressions/golden.json")
        let data = try! Data(contentsOf: url)
        let list = try! JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return list.map(ExpressionGoldenCase.init(json:))
    }

    init(json: [String: Any]) {
        name = json["name"] as! String
        expression = json["expression"] as! String
        tensors = (json["tensors"] as! [String: Any]).mapValues { Self.tensor($0) }
        parameters = (json["params"] as! [String: Any]).mapValues { .number(($0 as! NSNumber).doubleValue) }
        reduction = json["reduction"] as! String
        gradOutput = json["grad_output"].map { Self.tensor($0) }
        wrt = json["wrt"] as! [String]
        expectedLoss = Self.data(json["expected_loss"]!)
        expectedGrads = (json["expected_grads"] as! [String: Any]).mapValues { Self.data($0) }
    }

    static func data(_ any: Any) -> [Double] {
        ((any as! [String: Any])["data"] as! [Any]).map { value in
            switch value {
            case let text as String: text == "NaN" ? .nan : (text == "Infinity" ? .infinity : -.infinity)
            default: (value as! NSNumber).doubleValue
            }
        }
    }

    static func tensor(_ any: Any) -> Tensor {
        let shape = ((any as! [String: Any])["shape"] as! [NSNumber]).map(\.intValue)
        return try! Tensor(shape: shape, float64: data(any))
    }
}

@Suite struct ExpressionGoldenTests {
    static let cases = ExpressionGoldenCase.load()

    static func close(_ got: Double, _ want: Double) -> Bool {
        if want.isNaN { return got.isNaN }
        if want.isInfinite { return got == want }
        return abs(got - want) <= 1e-9 * max(1, abs(want))
    }

    @Test("randomized expressions and kinks agree with PyTorch float64 autograd within 1e-9", arguments: cases)
    func agreesWithPyTorch(_ golden: ExpressionGoldenCase) throws {
        let program = try ExpressionProgram(source: golden.expression)
        let result = try program.evaluate(ExpressionRequest(
            tensors: golden.tensors, parameters: golden.parameters, reduction: golden.reduction,
            gradOutput: golden.gradOutput, wrt: golden.wrt))
        let loss: [Double] = result.loss.values()
        #expect(loss.count == golden.expectedLoss.count)
        for (got, want) in zip(loss, golden.expectedLoss) {
            #expect(Self.close(got, want), "loss \(got) vs \(want) for \(golden.expression)")
        }
        for name in golden.wrt {
            let grad: [Double] = try #require(result.gradient(name)).values()
            let want = try #require(golden.expectedGrads[name])
            #expect(grad.count == want.count)
            let bad = zip(grad, want).enumerated().filter { !Self.close($0.element.0, $0.element.1) }
            #expect(bad.isEmpty, "d/d\(name) differs at \(bad.prefix(3).map { "\($0.offset): \($0.element.0) vs \($0.element.1)" }) for \(golden.expression)")
        }
    }
}
