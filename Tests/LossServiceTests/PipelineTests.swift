import Foundation
import HTTPServer
import LossCore
import Testing
import TensorCodecs
@testable import LossService

/// The one compute path: formats decode a LossCall, the registry evaluates it, formats encode —
/// binary answers with the gradient written straight into the response body, byte for byte as
/// the reference encoders would lay it out.
@Suite(.serialized) struct PipelineTests {
    static let service = LossService(registry: LossRegistry([GradientSpyLoss.self]))

    static func safetensorsRequest(_ input: Tensor, _ target: Tensor, query: String = "") -> HTTPRequest {
        let body = SafetensorsFile(entries: [.init(name: "input", tensor: input), .init(name: "target", tensor: target)]).encoded()
        return HTTPRequest(method: "POST", target: "/v1/losses/spy\(query)",
                           headers: ["Content-Type": "application/vnd.safetensors"], body: body)
    }

    /// What the reference encoder makes of the registry's own result.
    static func referenceSafetensors(_ input: Tensor, _ target: Tensor, reduction: String) throws -> [UInt8] {
        let result = try LossRegistry([GradientSpyLoss.self]).evaluate(
            GradientSpyLoss.self, parameters: ["reduction": .string(reduction)], inputs: LossInputs(input: input, target: target))
        return SafetensorsFile(entries: [.init(name: "loss", tensor: result.loss), .init(name: "grad", tensor: result.grad)],
                               metadata: ["name": "spy"]).encoded()
    }

    static func tensors(_ shape: [Int], float64: Bool) -> (Tensor, Tensor) {
        let count = shape.reduce(1, *)
        let input = (0..<count).map { Double($0) * 0.37 - 1 }
        let target = (0..<count).map { Double($0 % 3) * 0.5 }
        if float64 {
            return (Tensor(unchecked: shape, storage: .float64(input)), Tensor(unchecked: shape, storage: .float64(target)))
        }
        return (Tensor(unchecked: shape, storage: .float32(input.map(Float.init))),
                Tensor(unchecked: shape, storage: .float32(target.map(Float.init))))
    }

    @Test("a safetensors answer is the reference file, its gradient written by the kernel inside the body",
          arguments: [(reduction: "mean", shape: [7]), (reduction: "sum", shape: [2, 3]), (reduction: "none", shape: [5])])
    func safetensorsInPlace(_ reduction: String, _ shape: [Int]) throws {
        for float64 in [false, true] {
            let (input, target) = Self.tensors(shape, float64: float64)
            let response = Self.service.respondNow(Self.safetensorsRequest(input, target, query: "?reduction=\(reduction)"))
            // Checked before the reference evaluation records its own buffer.
            #expect(GradientSpyLoss.lastGradientWasWritten(into: response.body))
            #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
            #expect(response.body == (try Self.referenceSafetensors(input, target, reduction: reduction)))
        }
    }

    @Test("an unreduced loss of another shape than the input is laid out again around the gradient")
    func safetensorsLossShapeGuessedWrong() throws {
        let (input, target) = Self.tensors([2, 3], float64: false)
        let response = Self.service.respondNow(Self.safetensorsRequest(input, target, query: "?reduction=none"))
        #expect(response.status == .ok)
        #expect(response.body == (try Self.referenceSafetensors(input, target, reduction: "none")))
        #expect(try SafetensorsFile(decoding: response.body)["loss"]?.shape == [6])
    }

    /// A binary KServe request whose `id` length moves the gradient's offset through every alignment.
    static func kserveRequest(_ input: Tensor, _ target: Tensor, id: String, outputs: String, version: Bool = false) -> HTTPRequest {
        let datatype = input.dtype.kserveDatatype
        let size = input.count * input.dtype.itemSize
        let header = #"{"id": "\#(id)", "inputs": [{"name": "input", "datatype": "\#(datatype)", "shape": \#(input.shape), "parameters": {"binary_data_size": \#(size)}}, {"name": "target", "datatype": "\#(datatype)", "shape": \#(target.shape), "parameters": {"binary_data_size": \#(size)}}], "parameters": {"reduction": "sum"}, "outputs": \#(outputs)}"#
        var body = Array(header.utf8)
        TensorBytes.append(input.storage, to: &body)
        TensorBytes.append(target.storage, to: &body)
        return HTTPRequest(method: "POST", target: version ? "/v2/models/spy/versions/1/infer" : "/v2/models/spy/infer",
                           headers: ["Inference-Header-Content-Length": String(header.utf8.count)], body: body)
    }

    static func referenceKServe(_ input: Tensor, _ target: Tensor, id: String, outputs: [(String, Bool)]) throws -> KServeResponse.Encoded {
        let result = try LossRegistry([GradientSpyLoss.self]).evaluate(
            GradientSpyLoss.self, parameters: ["reduction": .string("sum")], inputs: LossInputs(input: input, target: target))
        return KServeResponse(modelName: "spy", modelVersion: "1", id: id, outputs: outputs.map {
            .init(name: $0.0, tensor: $0.0 == "loss" ? result.loss : result.grad, binary: $0.1)
        }).encoded()
    }

    @Test("KServe binary answers match the reference encoder at every header alignment, gradient written in the body")
    func kserveBinaryInPlace() throws {
        let binary = #"[{"name": "loss", "parameters": {"binary_data": true}}, {"name": "grad", "parameters": {"binary_data": true}}]"#
        for float64 in [false, true] {
            let (input, target) = Self.tensors([3, 5], float64: float64)
            for idLength in 0..<9 {
                let id = String(repeating: "r", count: idLength)
                let response = Self.service.respondNow(Self.kserveRequest(input, target, id: id, outputs: binary, version: idLength % 2 == 0))
                #expect(GradientSpyLoss.lastGradientWasWritten(into: response.body), "id length \(idLength), float64 \(float64)")
                let reference = try Self.referenceKServe(input, target, id: id, outputs: [("loss", true), ("grad", true)])
                #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
                #expect(response.body == reference.body, "id length \(idLength), float64 \(float64)")
                #expect(response.headers["Inference-Header-Content-Length"] == reference.headerLength.map(String.init))
                #expect(response.headers["Content-Type"] == "application/octet-stream")
            }
        }
    }

    @Test("KServe outputs in any order and mix of binary and JSON match the reference encoder", arguments: [
        ([("grad", true), ("loss", true)], #"[{"name": "grad", "parameters": {"binary_data": true}}, {"name": "loss", "parameters": {"binary_data": true}}]"#),
        ([("grad", true), ("loss", false)], #"[{"name": "grad", "parameters": {"binary_data": true}}, {"name": "loss", "parameters": {"binary_data": false}}]"#),
        ([("grad", true)], #"[{"name": "grad", "parameters": {"binary_data": true}}]"#),
        ([("loss", true)], #"[{"name": "loss", "parameters": {"binary_data": true}}]"#),
        ([("grad", true), ("grad", true)], #"[{"name": "grad", "parameters": {"binary_data": true}}, {"name": "grad", "parameters": {"binary_data": true}}]"#),
        ([("loss", false), ("grad", false)], #"[{"name": "loss"}, {"name": "grad"}]"#),
    ])
    func kserveOutputSelections(_ outputs: [(String, Bool)], _ json: String) throws {
        let (input, target) = Self.tensors([4], float64: false)
        let response = Self.service.respondNow(Self.kserveRequest(input, target, id: "x", outputs: json))
        let reference = try Self.referenceKServe(input, target, id: "x", outputs: outputs)
        #expect(response.status == .ok, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.body == reference.body)
        #expect(response.headers["Inference-Header-Content-Length"] == reference.headerLength.map(String.init))
        #expect(response.headers["Content-Type"] == (reference.headerLength == nil ? "application/json" : "application/octet-stream"))
    }

    @Test("an unusable request fails in the pipeline with the format's error, in the route's dialect")
    func errorsInDialect() throws {
        let json = HTTPRequest(method: "POST", target: "/v1/losses/spy", headers: ["Content-Type": "application/json"],
                               body: Array(#"{"input": [1.0], "target": [1.0], "params": {"reduction": "avg"}}"#.utf8))
        #expect(Self.service.respondNow(json).status == .unprocessableContent)
        let kserve = HTTPRequest(method: "POST", target: "/v2/models/spy/infer",
                                 body: Array(#"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1], "data": [1]}, {"name": "target", "datatype": "FP32", "shape": [1], "data": [1]}], "parameters": {"reduction": "avg"}}"#.utf8))
        let reply = Self.service.respondNow(kserve)
        #expect(reply.status == .badRequest)
        #expect(String(decoding: reply.body, as: UTF8.self).contains("\"code\":\"invalid_parameter\""))
    }
}
