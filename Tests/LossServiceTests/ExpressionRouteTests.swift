import Foundation
import LossCore
import Testing

/// `POST /v1/losses/expression` and `/v2/models/expression/infer` over a real socket.
@Suite struct ExpressionRouteTests {
    static let dice = "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)"
    static let tensors = #""input": [[0.5, -1.0], [2.0, 0.0]], "target": [[1, 0], [1, 1]]"#

    static func body(_ expression: String, _ rest: String = tensors) throws -> String {
        let quoted = String(decoding: try JSONSerialization.data(withJSONObject: [expression], options: [.fragmentsAllowed]), as: UTF8.self)
        return #"{"expression": \#(quoted.dropFirst().dropLast()), \#(rest)}"#
    }

    @Test("the tutorial's DiceLoss as an expression answers what the built-in dice answers")
    func diceExpressionMatchesBuiltIn() async throws {
        let live = try LiveService()
        let custom = try await live.send("POST", "/v1/losses/expression", body: try Self.body(Self.dice, Self.tensors + #", "params": {"smooth": 1}"#))
        let builtIn = try await live.send("POST", "/v1/losses/dice", body: "{\(Self.tensors)}")
        #expect(custom.status == 200, "\(custom.text)")
        #expect(custom.json["name"] as? String == "expression")
        let loss = try #require(custom.json["loss"] as? Double), want = try #require(builtIn.json["loss"] as? Double)
        #expect(abs(loss - want) < 2e-5)
        let grad = try #require((custom.json["grad"] as? [String: Any])?["data"] as? [Double])
        let wantGrad = try #require((builtIn.json["grad"] as? [String: Any])?["data"] as? [Double])
        #expect(zip(grad, wantGrad).allSatisfy { abs($0 - $1) < 2e-5 })
    }

    @Test("a malformed expression is a 422 with line, column and caret, and the server keeps serving")
    func malformedExpression() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/expression", body: try Self.body("mean((input - target)^2", #""input": [1.0], "target": [0.0]"#))
        #expect(reply.status == 422)
        #expect(reply.json["code"] as? String == "invalid_expression")
        #expect(reply.json["field"] as? String == "expression")
        let message = try #require(reply.json["error"] as? String)
        #expect(message.hasPrefix("expression:1:24: expected ')' to close '(' opened at 1:5"))
        #expect(message.hasSuffix("mean((input - target)^2\n                       ^"))
        let after = try await live.send("POST", "/v1/losses/expression", body: try Self.body("mean((input - target)^2)", #""input": [1.0], "target": [0.0]"#))
        #expect(after.status == 200)
        #expect(after.json["loss"] as? Double == 1)
    }

    @Test("reduction none with grad_output, a missing expression, and hostile sources are answered clearly")
    func reductionAndRefusals() async throws {
        let live = try LiveService()
        let none = try await live.send("POST", "/v1/losses/expression", body: try Self.body(
            "(input - target)^2", #""input": [1.0, 2.0], "target": [0.0, 0.0], "params": {"reduction": "none"}, "grad_output": [1.0, 0.5]"#))
        #expect(none.status == 200, "\(none.text)")
        #expect((none.json["loss"] as? [String: Any])?["data"] as? [Double] == [1, 4])
        #expect((none.json["grad"] as? [String: Any])?["data"] as? [Double] == [2, 2])
        let missing = try await live.send("POST", "/v1/losses/expression", body: #"{"input": [1.0], "target": [0.0]}"#)
        #expect(missing.status == 422)
        #expect(missing.json["code"] as? String == "missing_expression")
        let deep = String(repeating: "(", count: 50_000) + "input" + String(repeating: ")", count: 50_000)
        let hostile = try await live.send("POST", "/v1/losses/expression", body: try Self.body(deep, #""input": [1.0], "target": [0.0]"#))
        #expect(hostile.status == 422)
        #expect(hostile.json["code"] as? String == "expression_too_large")
        let unknown = try await live.send("POST", "/v1/losses/expression", body: try Self.body("mean(input * scale)", #""input": [1.0], "target": [0.0]"#))
        #expect(unknown.status == 422)
        #expect((unknown.json["error"] as? String)?.contains("unknown name 'scale'") == true)
    }

    @Test("KServe: /v2/models/expression/infer reads the expression from request parameters")
    func kserveExpression() async throws {
        let live = try LiveService()
        let body = #"{"inputs": [{"name": "input", "shape": [2], "datatype": "FP32", "data": [1.0, 2.0]}, {"name": "target", "shape": [2], "datatype": "FP32", "data": [0.0, 0.0]}], "parameters": {"expression": "mean((input - target)^2)"}}"#
        let reply = try await live.send("POST", "/v2/models/expression/infer", body: body)
        #expect(reply.status == 200, "\(reply.text)")
        let outputs = try #require(reply.json["outputs"] as? [[String: Any]])
        #expect(outputs.first { $0["name"] as? String == "loss" }?["data"] as? [Double] == [2.5])
        #expect(outputs.first { $0["name"] as? String == "grad" }?["data"] as? [Double] == [1, 2])
        let bad = try await live.send("POST", "/v2/models/expression/infer", body: body.replacingOccurrences(of: "^2)", with: "^)"))
        #expect(bad.status == 400 || bad.status == 422)
        #expect((bad.json["error"] as? String)?.contains("expression:1:") == true)
    }

    @Test("safetensors: the expression and its parameters travel in __metadata__")
    func safetensorsExpression() async throws {
        let live = try LiveService()
        let header = #"{"__metadata__": {"expression": "sum(abs(input - target)) * k", "k": "3"}, "input": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "target": {"dtype": "F32", "shape": [2], "data_offsets": [8, 16]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init) + Array(header.utf8)
        for value: Float in [1, 2, 0, 1] { bytes += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init) }
        let reply = try await live.send("POST", "/v1/losses/expression", bytes: bytes, headers: ["Content-Type": "application/vnd.safetensors"])
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"]?.contains("safetensors") == true || reply.headers["Content-Type"]?.contains("safetensors") == true)
    }
}
