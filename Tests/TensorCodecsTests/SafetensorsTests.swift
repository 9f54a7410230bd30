import Foundation
import LossCore
import Testing
@testable import TensorCodecs

/// A safetensors buffer with the given header text (unpadded) and data bytes.
func safetensorsBytes(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    var bytes = [UInt8]()
    withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
    return bytes + headerBytes + data
}

func safetensorsErrorKind(_ bytes: [UInt8]) -> SafetensorsError.Kind? {
    do {
        _ = try SafetensorsFile(decoding: bytes)
        return nil
    } catch {
        return error.kind
    }
}

@Suite struct SafetensorsTests {
    /// Written by `safetensors.torch.save` (safetensors 0.4, torch 2.x) from:
    /// f32 = arange(6).reshape(2,3)/4, f64 = [0.1, -2], f16 = bf16 = [1.5, -0.25], i64 = [[-1, 7]],
    /// i32 = [3], u8 = [0, 255], b = [True, False, True], s = tensor(2.5),
    /// metadata {"reduction": "sum", "smooth": "1.0"}.
    static let referenceFile = Data(base64Encoded: "OAIAAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJzbW9vdGgiOiIxLjAiLCJyZWR1Y3Rpb24iOiJzdW0ifSwiaTY0Ijp7ImR0eXBlIjoiSTY0Iiwic2hhcGUiOlsxLDJdLCJkYXRhX29mZnNldHMiOlswLDE2XX0sImY2NCI6eyJkdHlwZSI6IkY2NCIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzE2LDMyXX0sImYzMiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwzXSwiZGF0YV9vZmZzZXRzIjpbMzIsNTZdfSwicyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbXSwiZGF0YV9vZmZzZXRzIjpbNTYsNjBdfSwiaTMyIjp7ImR0eXBlIjoiSTMyIiwic2hhcGUiOlsxXSwiZGF0YV9vZmZzZXRzIjpbNjAsNjRdfSwiYmYxNiI6eyJkdHlwZSI6IkJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2NCw2OF19LCJmMTYiOnsiZHR5cGUiOiJGMTYiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2OCw3Ml19LCJ1OCI6eyJkdHlwZSI6IlU4Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNzIsNzRdfSwiYiI6eyJkdHlwZSI6IkJPT0wiLCJzaGFwZSI6WzNdLCJkYXRhX29mZnNldHMiOls3NCw3N119fSAgICAg//////////8HAAAAAAAAAJqZmZmZmbk/AAAAAAAAAMAAAAAAAACAPgAAAD8AAEA/AACAPwAAoD8AACBAAwAAAMA/gL4APgC0AP8BAAE=")!

    @Test func readsTheReferenceImplementationsOutput() throws {
        let file = try SafetensorsFile(decoding: [UInt8](Self.referenceFile))
        #expect(file.metadata == ["reduction": "sum", "smooth": "1.0"])
        #expect(file.names == ["i64", "f64", "f32", "s", "i32", "bf16", "f16", "u8", "b"])
        #expect(file["f32"] == Tensor(unchecked: [2, 3], storage: .float32([0, 0.25, 0.5, 0.75, 1, 1.25])))
        #expect(file["f64"] == Tensor(unchecked: [2], storage: .float64([0.1, -2])))
        #expect(file["f16"]?.values(as: Float.self) == [1.5, -0.25])
        #expect(file["bf16"]?.values(as: Float.self) == [1.5, -0.25])
        #expect(file["i64"] == Tensor(unchecked: [1, 2], storage: .int64([-1, 7])))
        #expect(file["i32"]?.storage == .int32([3]))
        #expect(file["u8"]?.storage == .uint8([0, 255]))
        #expect(file["b"]?.storage == .bool([true, false, true]))
        #expect(file["s"] == Tensor(unchecked: [], storage: .float32([2.5])))
    }

    @Test func roundTripsEveryDTypeWithPaddedHeader() throws {
        let original = SafetensorsFile(entries: JSONTensorDecoderTests.everyDType.enumerated().map {
            SafetensorsFile.Entry(name: "t\($0.offset)", tensor: $0.element)
        }, metadata: ["note": "λ \"quoted\""])
        let bytes = original.encoded()
        let headerLength = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
        let decoded = try SafetensorsFile(decoding: bytes)
        #expect(decoded.names == original.names)
        #expect(decoded.metadata == original.metadata)
        for (left, right) in zip(decoded.entries, original.entries) {
            #expect(left.tensor.shape == right.tensor.shape)
            #expect(bitPatterns(left.tensor) == bitPatterns(right.tensor))
        }
    }

    static let f32Entry = #""x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#

    @Test(arguments: [
        ("too short", [UInt8](repeating: 0, count: 5), SafetensorsError.Kind.truncated),
        ("header longer than buffer", safetensorsBytes(header: "{}", declaredLength: 50), .headerLength),
        ("header above cap", safetensorsBytes(header: "{}", declaredLength: 200_000_000), .headerLength),
        ("header length 2^64-1", safetensorsBytes(header: "{}", declaredLength: .max), .headerLength),
        ("header not JSON", safetensorsBytes(header: "{\"x\":"), .headerSyntax),
        ("header bad UTF-8", safetensorsBytes(header: "{\"\u{FF}\":1}").map { $0 == 0xC3 ? 0xFF : $0 }, .headerSyntax),
        ("header not an object", safetensorsBytes(header: "[]"), .headerStructure),
        ("metadata not strings", safetensorsBytes(header: #"{"__metadata__":{"a":1}}"#), .headerStructure),
        ("entry not an object", safetensorsBytes(header: #"{"x":3}"#), .headerStructure),
        ("missing dtype", safetensorsBytes(header: #"{"x":{"shape":[],"data_offsets":[0,0]}}"#), .headerStructure),
        ("negative shape", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#), .headerStructure),
        ("unsupported dtype", safetensorsBytes(header: #"{"x":{"dtype":"I8","shape":[1],"data_offsets":[0,1]}}"#, data: [0]), .unsupportedDType),
        ("duplicate name", safetensorsBytes(header: "{\(f32Entry),\(f32Entry)}", data: Array(repeating: 0, count: 8)), .duplicateName),
        ("shape overflow", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#), .shapeOverflow),
        ("byte size overflow", safetensorsBytes(header: #"{"x":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}"#), .shapeOverflow),
        ("size mismatch", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)), .sizeMismatch),
        ("offsets reversed", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#), .offsets),
        ("offsets not a pair", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[0],"data_offsets":[0]}}"#), .offsets),
        ("gap at start", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)), .offsets),
        ("overlap", safetensorsBytes(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: Array(repeating: 0, count: 8)), .offsets),
        ("data not covered", safetensorsBytes(header: "{\(f32Entry)}", data: Array(repeating: 0, count: 12)), .offsets),
        ("data past end", safetensorsBytes(header: "{\(f32Entry)}", data: Array(repeating: 0, count: 4)), .offsets),
        ("bool byte 2", safetensorsBytes(header: #"{"x":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}"#, data: [1, 2]), .invalidBool),
    ])
    func rejectsInvalidFiles(_ name: String, _ bytes: [UInt8], _ kind: SafetensorsError.Kind) {
        #expect(safetensorsErrorKind(bytes) == kind, "\(name)")
    }

    @Test func errorsNameTheTensorAndDType() {
        do {
            _ = try SafetensorsFile(decoding: safetensorsBytes(header: #"{"target":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, data: Array(repeating: 0, count: 8)))
            Issue.record("no error")
        } catch {
            #expect(error.tensorName == "target")
            #expect(error.description.contains("\"C64\""))
        }
    }

    @Test func outOfOrderOffsetsAreAcceptedWhenTheyTileTheBuffer() throws {
        let header = #"{"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#
        let file = try SafetensorsFile(decoding: safetensorsBytes(header: header + "   ", data: [7, 9]))
        #expect(file["a"]?.storage == .uint8([7]))
        #expect(file["b"]?.storage == .uint8([9]))
    }

    @Test func emptyFileAndNullMetadata() throws {
        #expect(try SafetensorsFile(decoding: safetensorsBytes(header: #"{"__metadata__":null}"#)).entries.isEmpty)
    }
}
