import Foundation
import Testing
import LossCore
import TensorCodecs

/// Every class of malformed binary body gets a 400 with a precise message, and the server
/// keeps serving afterwards.
@Suite struct MalformedBodyTests {
    /// A named hostile body and a phrase its error message must contain.
    struct Malformed: CustomTestStringConvertible, Sendable {
        var label: String
        var body: [UInt8]
        var phrase: String
        var testDescription: String { label }
    }

    static let four = Bodies.float32Bytes([1])
    static let entry = #""input": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}"#

    static let safetensorsCases: [Malformed] = [
        Malformed(label: "truncated", body: [1, 2, 3], phrase: "too short"),
        Malformed(label: "header length past the body", body: Bodies.raw(header: "{}", declaredLength: 1000), phrase: "exceeds"),
        Malformed(label: "header length over 100 MB", body: Bodies.raw(header: "{}", declaredLength: 200_000_000), phrase: "limit"),
        Malformed(label: "header length 2^64-1", body: Bodies.raw(header: "{}", declaredLength: .max), phrase: "exceeds"),
        Malformed(label: "header not JSON", body: Bodies.raw(header: "{not json"), phrase: "not valid JSON"),
        Malformed(label: "header not UTF-8", body: [3, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF, 0x7D], phrase: "JSON"),
        Malformed(label: "tensor name not UTF-8", body: [8, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], phrase: "JSON"),
        Malformed(label: "header is an array", body: Bodies.raw(header: "[]"), phrase: "must be a JSON object"),
        Malformed(label: "entry without dtype", body: Bodies.raw(header: #"{"input": {"shape": [1], "data_offsets": [0, 4]}}"#, data: four), phrase: "dtype"),
        Malformed(label: "metadata value not a string", body: Bodies.raw(header: #"{"__metadata__": {"reduction": 1}}"#), phrase: "must be a string"),
        Malformed(label: "duplicate tensor name", body: Bodies.raw(header: "{\(entry), \(entry)}", data: four), phrase: "duplicate"),
        Malformed(label: "unknown dtype", body: Bodies.raw(header: #"{"input": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}"#, data: [0]), phrase: "unsupported dtype"),
        Malformed(label: "shape overflows", body: Bodies.raw(header: #"{"input": {"dtype": "F32", "shape": [4294967296, 4294967296, 4294967296], "data_offsets": [0, 4]}}"#, data: four), phrase: "too large"),
        Malformed(label: "negative shape", body: Bodies.raw(header: #"{"input": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, data: four), phrase: "non-negative"),
        Malformed(label: "byte size differs from shape", body: Bodies.raw(header: #"{"input": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}"#, data: four), phrase: "needs 8 bytes"),
        Malformed(label: "gap before the first tensor", body: Bodies.raw(header: #"{"input": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, data: four + four), phrase: "gap"),
        Malformed(label: "overlapping tensors", body: Bodies.raw(header: "{\(entry), \(entry.replacingOccurrences(of: "\"input\"", with: "\"target\""))}", data: four), phrase: "overlaps"),
        Malformed(label: "data longer than the tensors", body: Bodies.raw(header: "{\(entry)}", data: four + four), phrase: "cover 4 bytes"),
        Malformed(label: "data shorter than the tensors", body: Bodies.raw(header: "{\(entry)}", data: [0, 0]), phrase: "cover 4 bytes"),
        Malformed(label: "BOOL byte 2", body: Bodies.raw(header: #"{"target": {"dtype": "BOOL", "shape": [1], "data_offsets": [0, 1]}}"#, data: [2]), phrase: "not 0 or 1"),
        Malformed(label: "deeply nested header", body: Bodies.raw(header: String(repeating: "[", count: 5000)), phrase: "JSON"),
    ]

    @Test("a malformed safetensors body is a 400 with the codec's message", arguments: safetensorsCases)
    func malformedSafetensors(_ malformed: Malformed) async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", bytes: malformed.body,
                                        headers: ["Content-Type": "application/vnd.safetensors"])
        #expect(reply.status == 400, "\(reply.text)")
        #expect(reply.json["code"] as? String == "malformed_safetensors")
        let message = reply.json["error"] as? String ?? ""
        #expect(message.contains(malformed.phrase), "\(message)")
        #expect(try await live.send("GET", "/healthz").status == 200)
    }

    static let binaryEntry = #"{"name": "input", "datatype": "FP32", "shape": [1], "parameters": {"binary_data_size": 4}}"#

    /// (label, JSON header, binary bytes, Inference-Header-Content-Length or nil for the real length)
    static let kserveCases: [(String, String, [UInt8], String?)] = [
        ("header length past the body", #"{"inputs": []}"#, [], "1000"),
        ("header length not a number", #"{"inputs": []}"#, [], "ten"),
        ("header length negative", #"{"inputs": []}"#, [], "-1"),
        ("header not JSON", "{inputs", [], nil),
        ("no inputs array", #"{"inputs": 3}"#, [], nil),
        ("input without datatype", #"{"inputs": [{"name": "input", "shape": [1], "data": [1]}]}"#, [], nil),
        ("fractional shape", #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [1.5], "data": [1]}]}"#, [], nil),
        ("binary data missing", "{\"inputs\": [\(binaryEntry)]}", [0, 0], nil),
        ("binary bytes left over", "{\"inputs\": [\(binaryEntry)]}", four + [9], nil),
        ("binary size disagrees with shape", #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [2], "parameters": {"binary_data_size": 4}}]}"#, four, nil),
        ("binary without the header", "{\"inputs\": [\(binaryEntry)]}", [], "absent"),
    ]

    @Test("a malformed KServe body is a 400 with an error string", arguments: 0..<kserveCases.count)
    func malformedKServe(_ index: Int) async throws {
        let (label, json, binary, declared) = Self.kserveCases[index]
        let live = try LiveService()
        let body = Bodies.kserve(json, binary: binary)
        var headers: [String: String] = [:]
        if declared != "absent" { headers["Inference-Header-Content-Length"] = declared ?? String(body.headerLength) }
        let reply = try await live.send("POST", "/v2/models/mse/infer", bytes: body.body, headers: headers)
        #expect(reply.status == 400, "\(label): \(reply.text)")
        #expect((reply.json["error"] as? String)?.isEmpty == false, "\(label)")
        #expect(try await live.send("GET", "/v2/health/live").status == 200)
    }
}
