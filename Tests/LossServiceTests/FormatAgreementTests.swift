import Foundation
import Testing
import LossCore
import TensorCodecs

/// The same case sent as JSON and as safetensors gets the same answer, bit for bit, in
/// either response format; so does the same case sent over KServe v2.
@Suite struct FormatAgreementTests {
    /// One request: a loss, its tensors and parameters (as JSON text and as metadata).
    struct Case: CustomTestStringConvertible, Sendable {
        var loss: String
        var tensors: [(String, Tensor)]
        var params: [String: String] = [:]
        var testDescription: String { loss }

        /// `{"input": {...}, ..., "params": {...}}` with every tensor in object form.
        var json: String {
            var writer = JSONWriter()
            writer.beginObject()
            for (name, tensor) in tensors {
                writer.key(name)
                writer.tensor(tensor)
            }
            writer.endObject()
            var text = String(decoding: writer.bytes, as: UTF8.self)
            if !params.isEmpty {
                let members = params.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }
                text = String(text.dropLast()) + ", \"params\": {" + members.joined(separator: ", ") + "}}"
            }
            return text
        }

        var safetensors: SafetensorsFile { Bodies.file(tensors, metadata: params) }
    }

    /// Deterministic pseudo-random floats in [-3, 3) (no generator state shared between tests).
    static func floats(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24) * 6 - 3
        }
    }

    static let cases: [Case] = [
        Case(loss: "mse", tensors: [("input", Bodies.float32([3, 4], floats(12, seed: 1))),
                                    ("target", Bodies.float32([3, 4], floats(12, seed: 2))),
                                    ("grad_output", Bodies.float32([3, 4], floats(12, seed: 3)))],
             params: ["reduction": "\"none\""]),
        Case(loss: "cross_entropy", tensors: [("input", Bodies.float32([4, 3], floats(12, seed: 4))),
                                              ("target", Tensor(unchecked: [4], storage: .int64([0, 2, 1, 2]))),
                                              ("weight", Bodies.float32([3], [0.2, 1.5, 0.7]))],
             params: ["label_smoothing": "0.1"]),
        Case(loss: "dice", tensors: [("input", Bodies.float32([2, 1, 2, 2], floats(8, seed: 5))),
                                     ("target", Tensor(unchecked: [2, 1, 2, 2], storage: .uint8([0, 1, 1, 0, 1, 1, 0, 0])))]),
        Case(loss: "gaussian_nll", tensors: [("input", Tensor(unchecked: [5], storage: .float64(floats(5, seed: 6).map(Double.init)))),
                                             ("target", Tensor(unchecked: [5], storage: .float64(floats(5, seed: 7).map(Double.init)))),
                                             ("var", Tensor(unchecked: [5], storage: .float64([0.5, 1, 2, 0.25, 3])))]),
        Case(loss: "bce_with_logits", tensors: [("input", Tensor(unchecked: [6], storage: .float16(floats(6, seed: 8).map(HalfPrecision.half)))),
                                                ("target", Bodies.float32([6], [0, 1, 1, 0, 1, 0]))],
             params: ["reduction": "\"sum\""]),
    ]

    @Test("JSON and safetensors requests agree bit for bit in both response formats", arguments: cases)
    func jsonAndSafetensorsAgree(_ testCase: Case) async throws {
        let live = try LiveService()
        let path = "/v1/losses/\(testCase.loss)"
        let safetensorsBody = testCase.safetensors.encoded()
        var bodies: [String: Data] = [:]
        for accept in ["application/json", "application/vnd.safetensors"] {
            let fromJSON = try await live.send("POST", path, body: testCase.json, headers: ["Accept": accept])
            let fromSafetensors = try await live.send("POST", path, bytes: safetensorsBody,
                                                      headers: ["Content-Type": "application/vnd.safetensors", "Accept": accept])
            #expect(fromJSON.status == 200, "\(fromJSON.text)")
            #expect(fromSafetensors.status == 200, "\(fromSafetensors.text)")
            #expect(fromJSON.headers["content-type"] == accept)
            #expect(fromJSON.body == fromSafetensors.body, "\(accept): \(fromJSON.text) vs \(fromSafetensors.text)")
            bodies[accept] = fromSafetensors.body
        }
        let file = try SafetensorsFile(decoding: [UInt8](try #require(bodies["application/vnd.safetensors"])))
        let direct = try LossRegistry.standard.evaluate(
            try #require(LossRegistry.standard.loss(named: testCase.loss)),
            parameters: try testCase.params.mapValues { try ParameterValue(text: $0, name: "") },
            inputs: LossInputs(input: testCase.safetensors["input"]!, target: testCase.safetensors["target"]!,
                               weight: testCase.safetensors["weight"], variance: testCase.safetensors["var"],
                               gradOutput: testCase.safetensors["grad_output"]))
        #expect(file["grad"] == direct.grad)
        #expect(file["loss"] == direct.loss)
    }

    @Test("KServe binary outputs carry the same bytes as the safetensors answer", arguments: cases)
    func kserveAgrees(_ testCase: Case) async throws {
        let live = try LiveService()
        let reference = try await live.postSafetensors(testCase.loss, testCase.safetensors).safetensors()
        var inputs: [String] = []
        var binary: [UInt8] = []
        for (name, tensor) in testCase.tensors {
            let before = binary.count
            TensorBytes.append(tensor.storage, to: &binary)
            inputs.append(#"{"name": "\#(name)", "datatype": "\#(tensor.dtype.kserveDatatype)", "shape": \#(tensor.shape), "parameters": {"binary_data_size": \#(binary.count - before)}}"#)
        }
        let parameters = testCase.params.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
        let request = Bodies.kserve(#"{"inputs": [\#(inputs.joined(separator: ", "))], "parameters": {"binary_data_output": true\#(parameters.isEmpty ? "" : ", " + parameters)}}"#, binary: binary)
        let reply = try await live.send("POST", "/v2/models/\(testCase.loss)/infer", bytes: request.body,
                                        headers: ["Inference-Header-Content-Length": String(request.headerLength)])
        #expect(reply.status == 200, "\(reply.text)")
        let (_, outputBytes) = try Bodies.splitKServe(reply)
        var expected: [UInt8] = []
        TensorBytes.append(try #require(reference["loss"]).storage, to: &expected)
        TensorBytes.append(try #require(reference["grad"]).storage, to: &expected)
        #expect(outputBytes == expected)
    }
}
