import Foundation
import Testing
import LossCore

@Suite struct LossRouteTests {
    @Test("POST /v1/losses/mse answers the loss and a gradient shaped like the input")
    func computesLossAndGradient() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse",
                                        body: #"{"input": {"shape": [2], "dtype": "float64", "data": [1.5, -2]}, "target": [0.5, 1]}"#)
        #expect(reply.status == 200, "\(reply.text)")
        let grad = try #require(reply.json["grad"] as? [String: Any])
        #expect(grad["shape"] as? [Int] == [2])
        #expect(grad["dtype"] as? String == "float64")
        // The service's answer must be the registry's answer, byte for byte in value.
        let direct = try LossRegistry.standard.evaluate(
            MSELoss.self, parameters: [:],
            inputs: LossInputs(input: Tensor(shape: [2], float64: [1.5, -2]), target: Tensor(shape: [2], float64: [0.5, 1])))
        let expectedGrad: [Double] = direct.grad.values()
        #expect((grad["data"] as? [Double]) == expectedGrad)
        #expect((reply.json["loss"] as? Double) == direct.loss.scalarValue)
        #expect(reply.json["name"] as? String == "mse")
    }

    @Test("aliases resolve and the response names the canonical loss")
    func aliasesResolve() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/l2", body: #"{"input": [1.0], "target": [0.0]}"#)
        #expect(reply.status == 200)
        #expect(reply.json["name"] as? String == "mse")
    }

    @Test("reduction none returns the loss as a tensor")
    func reductionNoneReturnsTensor() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse",
                                        body: #"{"input": [[1.0, 2.0]], "target": [[0.0, 0.0]], "params": {"reduction": "none"}}"#)
        #expect(reply.status == 200, "\(reply.text)")
        let loss = try #require(reply.json["loss"] as? [String: Any])
        #expect(loss["shape"] as? [Int] == [1, 2])
    }

    @Test("query-string parameters are read like params")
    func queryParameters() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse?reduction=sum", body: #"{"input": [1.0, 1.0], "target": [0.0, 0.0]}"#)
        #expect(reply.status == 200)
        #expect(reply.json["loss"] as? Double == 2)
    }

    @Test("malformed JSON is a 400 with a JSON error, and the server keeps serving")
    func malformedJSON() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1,"#)
        #expect(reply.status == 400)
        #expect(reply.json["code"] as? String == "malformed_json")
        #expect(try await live.send("GET", "/healthz").status == 200)
    }

    @Test("an unknown loss is a 404 suggesting the nearest name")
    func unknownLossSuggestsName() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/dcie", body: "{}")
        #expect(reply.status == 404)
        #expect((reply.json["error"] as? String)?.contains("'dice'") == true, "\(reply.text)")
    }

    @Test("mismatched shapes are a 422 naming the target")
    func shapeMismatch() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0, 2.0], "target": [1.0, 2.0, 3.0]}"#)
        #expect(reply.status == 422)
        #expect(reply.json["field"] as? String == "target")
    }

    @Test("an out-of-range parameter is a 422 naming it")
    func badParameter() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0], "target": [1.0], "params": {"reduction": "avg"}}"#)
        #expect(reply.status == 422)
        #expect(reply.json["field"] as? String == "reduction")
        let unknown = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0], "target": [1.0], "params": {"smoth": 1}}"#)
        #expect(unknown.status == 422)
        #expect(unknown.json["field"] as? String == "smoth")
    }

    @Test("a missing target and an unknown member are 422s naming them")
    func missingAndUnknownMembers() async throws {
        let live = try LiveService()
        let missing = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0]}"#)
        #expect(missing.status == 422)
        #expect(missing.json["field"] as? String == "target")
        let unknown = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0], "targets": [1.0]}"#)
        #expect(unknown.status == 422)
        #expect(unknown.json["field"] as? String == "targets")
    }

    @Test("an unsupported Content-Type is a 415")
    func unsupportedMediaType() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", body: "input=1", headers: ["Content-Type": "text/csv"])
        #expect(reply.status == 415)
    }

    @Test("a wrong method is a 405 with Allow")
    func wrongMethod() async throws {
        let live = try LiveService()
        let reply = try await live.send("PATCH", "/v1/losses/mse")
        #expect(reply.status == 405)
        #expect(reply.headers["allow"]?.contains("POST") == true)
    }
}
