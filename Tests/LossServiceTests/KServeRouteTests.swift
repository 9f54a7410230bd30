import Foundation
import Testing
import LossCore
import TensorCodecs

/// The KServe v2 / Triton routes: metadata, health, and inference in JSON and binary.
@Suite struct KServeRouteTests {
    @Test("GET /v2 reports the server and the binary_tensor_data extension")
    func serverMetadata() async throws {
        let live = try LiveService()
        let reply = try await live.send("GET", "/v2")
        #expect(reply.status == 200)
        #expect(reply.json["name"] as? String == "lossd")
        #expect(reply.json["version"] is String)
        #expect((reply.json["extensions"] as? [String])?.contains("binary_tensor_data") == true)
    }

    @Test("health and readiness answer 200, and 503 while draining")
    func healthAndReadiness() async throws {
        let live = try LiveService()
        for path in ["/v2/health/live", "/v2/health/ready", "/v2/models/dice/ready", "/v2/models/dice/versions/1/ready"] {
            #expect(try await live.send("GET", path).status == 200, "\(path)")
        }
        live.service.beginDraining()
        #expect(try await live.send("GET", "/v2/health/live").status == 200)
        for path in ["/v2/health/ready", "/v2/models/dice/ready"] {
            let reply = try await live.send("GET", path)
            #expect(reply.status == 503, "\(path)")
            #expect(reply.headers["retry-after"] != nil)
        }
    }

    @Test("model metadata lists inputs and outputs with datatypes and variable shapes")
    func modelMetadata() async throws {
        let live = try LiveService()
        for path in ["/v2/models/gaussian_nll", "/v2/models/gaussian_nll/versions/1", "/v2/models/gaussian_nll_loss"] {
            let reply = try await live.send("GET", path)
            #expect(reply.status == 200, "\(path): \(reply.text)")
            #expect(reply.json["name"] as? String == "gaussian_nll")
            #expect(reply.json["versions"] as? [String] == ["1"])
            #expect(reply.json["platform"] is String)
            let inputs = try #require(reply.json["inputs"] as? [[String: Any]])
            #expect(inputs.compactMap { $0["name"] as? String } == ["input", "target", "var", "weight", "grad_output"])
            #expect(inputs.allSatisfy { $0["shape"] as? [Int] == [-1] && $0["datatype"] is String })
            let outputs = try #require(reply.json["outputs"] as? [[String: Any]])
            #expect(outputs.compactMap { $0["name"] as? String } == ["loss", "grad"])
        }
    }

    @Test("unknown models, versions and routes are 404 with an error string; wrong methods 405")
    func notFound() async throws {
        let live = try LiveService()
        for path in ["/v2/models/dcie", "/v2/models/dice/versions/2", "/v2/models/dice/versions/2/infer", "/v2/models/dice/stats", "/v2/nothing"] {
            let reply = try await live.send("GET", path)
            #expect(reply.status == 404, "\(path)")
            #expect(reply.json["error"] is String)
        }
        #expect((try await live.send("GET", "/v2/models/dcie").json["error"] as? String)?.contains("dice") == true)
        #expect(try await live.send("GET", "/v2/models/dice/infer").status == 405)
    }

    @Test("JSON inference: nested data, parameters, id echoed, JSON answer")
    func jsonInference() async throws {
        let live = try LiveService()
        let body = #"{"id": "r1", "inputs": [{"name": "input", "datatype": "FP64", "shape": [2, 2], "data": [[1.5, -2], [0.5, 3]]}, {"name": "target", "datatype": "FP64", "shape": [2, 2], "data": [0, 1, 1, 0]}], "parameters": {"reduction": "sum"}}"#
        for path in ["/v2/models/mse/infer", "/v2/models/mse/versions/1/infer"] {
            let reply = try await live.send("POST", path, bytes: Array(body.utf8))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.headers["content-type"] == "application/json")
            #expect(reply.headers["inference-header-content-length"] == nil)
            #expect(reply.json["model_name"] as? String == "mse")
            #expect(reply.json["id"] as? String == "r1")
            let outputs = try #require(reply.json["outputs"] as? [[String: Any]])
            #expect(outputs.compactMap { $0["name"] as? String } == ["loss", "grad"])
            let direct = try LossRegistry.standard.evaluate(
                MSELoss.self, parameters: ["reduction": .string("sum")],
                inputs: LossInputs(input: Tensor(shape: [2, 2], float64: [1.5, -2, 0.5, 3]), target: Tensor(shape: [2, 2], float64: [0, 1, 1, 0])))
            #expect(outputs[0]["data"] as? [Double] == direct.loss.values())
            #expect(outputs[1]["data"] as? [Double] == direct.grad.values())
            #expect(outputs[1]["shape"] as? [Int] == [2, 2])
            #expect(outputs[1]["datatype"] as? String == "FP64")
        }
    }

    @Test("binary inputs and outputs: Inference-Header-Content-Length both ways")
    func binaryInference() async throws {
        let live = try LiveService()
        let input: [Float] = [0.5, -1, 2, 0.25]
        let target: [Float] = [1, 0, 1, 1]
        let header = #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [4], "parameters": {"binary_data_size": 16}}, {"name": "target", "datatype": "FP32", "shape": [4], "parameters": {"binary_data_size": 16}}], "outputs": [{"name": "grad", "parameters": {"binary_data": true}}, {"name": "loss", "parameters": {"binary_data": false}}]}"#
        let request = Bodies.kserve(header, binary: Bodies.float32Bytes(input) + Bodies.float32Bytes(target))
        let reply = try await live.send("POST", "/v2/models/bce_with_logits/infer", bytes: request.body,
                                        headers: ["Inference-Header-Content-Length": String(request.headerLength)])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.headers["content-type"] == "application/octet-stream")
        let (json, binary) = try Bodies.splitKServe(reply)
        let outputs = try #require(json["outputs"] as? [[String: Any]])
        #expect(outputs.compactMap { $0["name"] as? String } == ["grad", "loss"])
        #expect((outputs[0]["parameters"] as? [String: Any])?["binary_data_size"] as? Int == 16)
        let direct = try LossRegistry.standard.evaluate(
            try #require(LossRegistry.standard.loss(named: "bce_with_logits")), parameters: [:],
            inputs: LossInputs(input: Bodies.float32([4], input), target: Bodies.float32([4], target)))
        var expectedGrad: [UInt8] = []
        TensorBytes.append(direct.grad.storage, to: &expectedGrad)
        #expect(binary == expectedGrad)
        #expect((outputs[1]["data"] as? [Double]).map { $0.map(Float.init) } == direct.loss.values(as: Float.self))
    }

    @Test("FP16 travels only as binary: half outputs are binary even when JSON was asked for")
    func halfPrecision() async throws {
        let live = try LiveService()
        let halves = [Float(0.5), -1, 2].map(HalfPrecision.half)
        let header = #"{"inputs": [{"name": "input", "datatype": "FP16", "shape": [3], "parameters": {"binary_data_size": 6}}, {"name": "target", "datatype": "UINT8", "shape": [3], "data": [1, 0, 1]}]}"#
        let request = Bodies.kserve(header, binary: halves.withUnsafeBytes { Array($0) })
        let reply = try await live.send("POST", "/v2/models/dice/infer", bytes: request.body,
                                        headers: ["Inference-Header-Content-Length": String(request.headerLength)])
        #expect(reply.status == 200, "\(reply.text)")
        let (json, binary) = try Bodies.splitKServe(reply)
        let outputs = try #require(json["outputs"] as? [[String: Any]])
        #expect(outputs.allSatisfy { $0["datatype"] as? String == "FP16" && $0["parameters"] != nil })
        #expect(binary.count == 2 + 6)
        let json16 = #"{"inputs": [{"name": "input", "datatype": "FP16", "shape": [1], "data": [1]}, {"name": "target", "datatype": "FP16", "shape": [1], "data": [1]}]}"#
        #expect(try await live.send("POST", "/v2/models/dice/infer", bytes: Array(json16.utf8)).status == 400)
    }

    @Test("unusable requests are 400 with Triton's {\"error\"} body", arguments: [
        #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1], "data": [1]}]}"#,
        #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1], "data": [1]}, {"name": "target", "datatype": "FP32", "shape": [1], "data": [1]}, {"name": "labels", "datatype": "FP32", "shape": [1], "data": [1]}]}"#,
        #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1], "data": [1]}, {"name": "target", "datatype": "FP32", "shape": [2], "data": [1, 2]}]}"#,
        #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1], "data": [1]}, {"name": "target", "datatype": "FP32", "shape": [1], "data": [1]}], "parameters": {"reduction": "avg"}}"#,
        #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1], "data": [1]}, {"name": "target", "datatype": "FP32", "shape": [1], "data": [1]}], "outputs": [{"name": "hessian"}]}"#,
        #"{"inputs": [{"name": "input", "datatype": "BYTES", "shape": [1], "data": ["a"]}, {"name": "target", "datatype": "FP32", "shape": [1], "data": [1]}]}"#,
        #"{"inputs": [{"name": "input", "datatype": "INT64", "shape": [1], "data": [1]}, {"name": "target", "datatype": "FP32", "shape": [1], "data": [1]}]}"#,
    ])
    func unusableRequests(_ body: String) async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v2/models/mse/infer", bytes: Array(body.utf8))
        #expect(reply.status == 400, "\(reply.text)")
        #expect((reply.json["error"] as? String)?.isEmpty == false)
        #expect(reply.json["code"] is String)
    }
}
