import LossCore
import Testing
@testable import TensorCodecs

/// Layouts written before the tensors exist agree byte for byte with the whole-file encoders.
@Suite struct EncoderLayoutTests {
    static let tensors: [Tensor] = [
        Tensor(unchecked: [], storage: .float32([0.25])),
        Tensor(unchecked: [2, 3], storage: .float64([1, -2, 3.5, 0, 1e-300, 7])),
        Tensor(unchecked: [3], storage: .float16([0x3C00, 0xBC00, 0x0001])),
        Tensor(unchecked: [0], storage: .float32([])),
        Tensor(unchecked: [4], storage: .uint8([0, 1, 2, 255])),
    ]

    @Test("a safetensors prefix followed by the tensors' bytes is the encoded file, header padded to 8")
    func safetensorsPrefix() throws {
        for metadata in [[:], ["name": "dice", "a": "\"quoted\""]] {
            for count in 1...Self.tensors.count {
                let entries = Self.tensors.prefix(count).enumerated().map { SafetensorsFile.Entry(name: "t\($0.offset)", tensor: $0.element) }
                let file = SafetensorsFile(entries: entries, metadata: metadata)
                var bytes = SafetensorsFile.encodedPrefix(entries.map { ($0.name, $0.tensor.dtype, $0.tensor.shape) }, metadata: metadata)
                #expect(bytes.count % 8 == 0)
                for entry in entries { TensorBytes.append(entry.tensor.storage, to: &bytes) }
                #expect(bytes == file.encoded())
                #expect(try SafetensorsFile(decoding: bytes) == SafetensorsFile(decoding: file.encoded()))
            }
        }
    }

    @Test("a KServe header of binary outputs is the encoded response's first Inference-Header-Content-Length bytes")
    func kserveHeader() {
        for id in [nil, "", "request-7"] {
            let outputs = Self.tensors.enumerated().map { KServeResponse.Output(name: "o\($0.offset)", tensor: $0.element, binary: $0.offset % 2 == 0) }
            let encoded = KServeResponse(modelName: "m", modelVersion: "1", id: id, outputs: outputs).encoded()
            let layout = outputs.map { output -> KServeResponse.HeaderOutput in
                output.binary ? .binary(name: output.name, dtype: output.tensor.dtype, shape: output.tensor.shape)
                    : .inline(name: output.name, tensor: output.tensor)
            }
            let header = KServeResponse.header(modelName: "m", modelVersion: "1", id: id, outputs: layout)
            #expect(encoded.headerLength == header.count)
            #expect(Array(encoded.body.prefix(header.count)) == header)
            #expect(encoded.body.count == header.count + layout.reduce(0) { $0 + $1.binaryByteCount })
        }
        let json = KServeResponse(modelName: "m", outputs: [.init(name: "loss", tensor: Self.tensors[0], binary: false)]).encoded()
        #expect(json.headerLength == nil)
        #expect(json.body == KServeResponse.header(modelName: "m", modelVersion: nil, id: nil,
                                                   outputs: [.inline(name: "loss", tensor: Self.tensors[0])]))
    }
}
