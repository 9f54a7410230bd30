import LossCore
import Testing
@testable import TensorCodecs

/// A binary-extension body: JSON header then the given bytes; returns body and header length.
func kserveBody(_ json: String, binary: [UInt8] = []) -> (body: [UInt8], headerLength: Int) {
    let header = Array(json.utf8)
    return (header + binary, header.count)
}

func kserveError(_ json: String, binary: [UInt8] = [], useHeader: Bool = true) -> KServeError? {
    let (body, length) = kserveBody(json, binary: binary)
    do {
        _ = try KServeRequest(decoding: body, headerLength: useHeader ? length : nil)
        return nil
    } catch {
        return error
    }
}

@Suite struct KServeRequestTests {
    @Test func decodesJSONInputsFlatAndNested() throws {
        let json = #"""
        {"id": "r1", "parameters": {"reduction": "sum", "binary_data_output": true},
         "inputs": [{"name": "input", "shape": [2, 2], "datatype": "FP32", "data": [[0.5, 1], [2, "NaN"]]},
                    {"name": "target", "shape": [2, 2], "datatype": "INT64", "data": [0, 1, 1, 0]},
                    {"name": "mask", "shape": [2], "datatype": "BOOL", "data": [true, false]}],
         "outputs": [{"name": "grad", "parameters": {"binary_data": false}}, {"name": "loss"}]}
        """#
        let request = try KServeRequest(decoding: Array(json.utf8), headerLength: nil)
        #expect(request.id == "r1")
        #expect(request.inputs.map(\.name) == ["input", "target", "mask"])
        #expect(request[input: "input"]?.shape == [2, 2])
        #expect(request[input: "target"]?.storage == .int64([0, 1, 1, 0]))
        #expect(request[input: "mask"]?.storage == .bool([true, false]))
        #expect(try request.lossParameters() == ["reduction": .string("sum")])
        #expect(request.binaryDataOutput)
        let selection = try request.outputSelection(available: ["loss", "grad"])
        #expect(selection.map(\.name) == ["grad", "loss"])
        #expect(selection.map(\.binary) == [false, true])
    }

    @Test func defaultOutputsFollowTheModelOrder() throws {
        let request = try KServeRequest(decoding: Array(#"{"inputs": []}"#.utf8), headerLength: nil)
        let selection = try request.outputSelection(available: ["loss", "grad"])
        #expect(selection.map(\.name) == ["loss", "grad"])
        #expect(selection.map(\.binary) == [false, false])
        let asked = KServeRequest(id: nil, parameters: JSONObject(), inputs: [], outputs: [.init(name: "logits")])
        #expect(throws: KServeError.self) { try asked.outputSelection(available: ["loss", "grad"]) }
    }

    static let binaryCases: [Tensor] = [
        Tensor(unchecked: [2, 2], storage: .float32([0.1, -2.5, .nan, -.infinity])),
        Tensor(unchecked: [3], storage: .float64([0.1, 1e-300, .infinity])),
        Tensor(unchecked: [2], storage: .float16([HalfPrecision.half(from: 0.1), 0x7C00])),
        Tensor(unchecked: [2], storage: .bfloat16([HalfPrecision.bfloat16(from: 0.1), 0xFF80])),
        Tensor(unchecked: [2, 1], storage: .int64([Int64.max, -7])),
        Tensor(unchecked: [2], storage: .int32([Int32.min, Int32.max])),
        Tensor(unchecked: [3], storage: .uint8([0, 128, 255])),
        Tensor(unchecked: [1, 3], storage: .bool([true, false, true])),
        Tensor(unchecked: [], storage: .float32([3.5])),
    ]

    @Test(arguments: binaryCases)
    func binaryInputsRoundTripEveryDatatype(_ tensor: Tensor) throws {
        var bytes = [UInt8]()
        TensorBytes.append(tensor.storage, to: &bytes)
        let json = #"{"inputs": [{"name": "target", "shape": [1], "datatype": "FP32", "data": [7]},"#
            + #"{"name": "input", "shape": \#(tensor.shape), "datatype": "\#(tensor.dtype.kserveDatatype)", "parameters": {"binary_data_size": \#(bytes.count)}}]}"#
        let (body, length) = kserveBody(json, binary: bytes)
        let request = try KServeRequest(decoding: body, headerLength: length)
        let decoded = try #require(request[input: "input"])
        #expect(decoded.shape == tensor.shape)
        #expect(decoded.dtype == tensor.dtype)
        #expect(bitPatterns(decoded) == bitPatterns(tensor))
        #expect(request[input: "target"]?.storage == .float32([7]))
    }

    static let input = #"{"name": "input", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}}"#

    @Test(arguments: [
        ("not JSON", #"{"inputs": [}"#, [], true, KServeError.Kind.syntax),
        ("not an object", "[]", [], true, .structure),
        ("no inputs", #"{"outputs": []}"#, [], true, .structure),
        ("input without name", #"{"inputs": [{"shape": [1], "datatype": "FP32", "data": [1]}]}"#, [], true, .structure),
        ("input without datatype", #"{"inputs": [{"name": "x", "shape": [1], "data": [1]}]}"#, [], true, .structure),
        ("bad shape", #"{"inputs": [{"name": "x", "shape": [-1], "datatype": "FP32", "data": []}]}"#, [], true, .structure),
        ("no data", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32"}]}"#, [], true, .structure),
        ("data and binary", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1], "parameters": {"binary_data_size": 4}}]}"#, [0, 0, 0, 0], true, .structure),
        ("unsupported datatype", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES", "data": ["a"]}]}"#, [], true, .unsupportedDatatype),
        ("FP16 as JSON", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP16", "data": [1]}]}"#, [], true, .unsupportedDatatype),
        ("BF16 as JSON", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "BF16", "data": [1]}]}"#, [], true, .unsupportedDatatype),
        ("count mismatch", #"{"inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [1, 2]}]}"#, [], true, .shapeMismatch),
        ("shape overflow", #"{"inputs": [{"name": "x", "shape": [4294967296, 4294967296], "datatype": "FP32", "data": []}]}"#, [], true, .shapeMismatch),
        ("ragged data", #"{"inputs": [{"name": "x", "shape": [3], "datatype": "FP32", "data": [[1, 2], [3]]}]}"#, [], true, .invalidValue),
        ("fractional INT64", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "INT64", "data": [1.5]}]}"#, [], true, .invalidValue),
        ("UINT8 out of range", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "UINT8", "data": [256]}]}"#, [], true, .invalidValue),
        ("duplicate input", #"{"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}, {"name": "x", "shape": [1], "datatype": "FP32", "data": [1]}]}"#, [], true, .duplicateName),
        ("binary size mismatch", #"{"inputs": [{"name": "input", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 4}}]}"#, [0, 0, 0, 0], true, .binaryData),
        ("binary size not integer", #"{"inputs": [{"name": "input", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": "8"}}]}"#, [], true, .structure),
        ("binary missing bytes", "{\"inputs\": [\(input)]}", [0, 0, 0, 0], true, .binaryData),
        ("binary trailing bytes", "{\"inputs\": [\(input)]}", [UInt8](repeating: 0, count: 12), true, .binaryData),
        ("binary without header", "{\"inputs\": [\(input)]}", [], false, .binaryData),
        ("invalid BOOL byte", #"{"inputs": [{"name": "m", "shape": [2], "datatype": "BOOL", "parameters": {"binary_data_size": 2}}]}"#, [1, 3], true, .invalidValue),
        ("output without name", #"{"inputs": [], "outputs": [{"parameters": {}}]}"#, [], true, .structure),
        ("binary_data not bool", #"{"inputs": [], "outputs": [{"name": "loss", "parameters": {"binary_data": 1}}]}"#, [], true, .structure),
    ] as [(String, String, [UInt8], Bool, KServeError.Kind)])
    func rejectsInvalidRequests(_ name: String, _ json: String, _ binary: [UInt8], _ useHeader: Bool, _ kind: KServeError.Kind) {
        #expect(kserveError(json, binary: binary, useHeader: useHeader)?.kind == kind, "\(name): \(String(describing: kserveError(json, binary: binary, useHeader: useHeader)))")
    }

    @Test func headerLengthBeyondBodyIsRejected() {
        #expect(throws: KServeError(.headerLength, "Inference-Header-Content-Length 99 exceeds the body size 2")) {
            try KServeRequest(decoding: Array("{}".utf8), headerLength: 99)
        }
    }
}

@Suite struct KServeResponseTests {
    @Test func jsonOutputsHaveFlatDataAndNoHeaderLength() throws {
        let response = KServeResponse(modelName: "mse", id: "r1", outputs: [
            .init(name: "loss", tensor: Tensor(unchecked: [], storage: .float32([0.5])), binary: false),
            .init(name: "grad", tensor: Tensor(unchecked: [2, 1], storage: .float32([0.25, -1])), binary: false),
        ])
        let encoded = response.encoded()
        #expect(encoded.headerLength == nil)
        #expect(String(decoding: encoded.body, as: UTF8.self) == #"{"model_name":"mse","id":"r1","outputs":[{"name":"loss","datatype":"FP32","shape":[],"data":[0.5]},{"name":"grad","datatype":"FP32","shape":[2,1],"data":[0.25,-1.0]}]}"#)
    }

    @Test(arguments: KServeRequestTests.binaryCases)
    func binaryOutputsFollowTheHeaderInOrder(_ tensor: Tensor) throws {
        let loss = Tensor(unchecked: [], storage: .float64([1.25]))
        let response = KServeResponse(modelName: "m", outputs: [
            .init(name: "grad", tensor: tensor, binary: true),
            .init(name: "loss", tensor: loss, binary: true),
        ])
        let encoded = response.encoded()
        let headerLength = try #require(encoded.headerLength)
        let header = try JSONParser.parse(Array(encoded.body[..<headerLength]))
        let outputs = try #require(header["outputs"]?.arrayValue)
        #expect(outputs.map { $0["name"] } == [.string("grad"), .string("loss")])
        let gradSize = tensor.count * tensor.dtype.itemSize
        #expect(outputs[0]["parameters"]?["binary_data_size"] == .number(Double(gradSize)))
        #expect(outputs[0]["datatype"] == .string(tensor.dtype.kserveDatatype))
        #expect(encoded.body.count == headerLength + gradSize + 8)
        let gradBytes = Array(encoded.body[headerLength..<headerLength + gradSize])
        let decoded = try gradBytes.withUnsafeBytes { raw in try TensorBytes.storage(from: raw, dtype: tensor.dtype, count: tensor.count) }
        #expect(bitPatterns(Tensor(unchecked: tensor.shape, storage: decoded)) == bitPatterns(tensor))
    }

    @Test func mixedOutputsPutOnlyBinaryOnesAfterTheHeader() throws {
        let response = KServeResponse(modelName: "m", modelVersion: "1", outputs: [
            .init(name: "loss", tensor: Tensor(unchecked: [], storage: .float32([2])), binary: false),
            .init(name: "grad", tensor: Tensor(unchecked: [1], storage: .float32([3])), binary: true),
        ])
        let encoded = response.encoded()
        let headerLength = try #require(encoded.headerLength)
        #expect(encoded.body.count == headerLength + 4)
        let header = try JSONParser.parse(Array(encoded.body[..<headerLength]))
        #expect(header["model_version"] == .string("1"))
        #expect(header["outputs"]?.arrayValue?[0]["data"] == .numbers([2], integral: false))
    }
}
