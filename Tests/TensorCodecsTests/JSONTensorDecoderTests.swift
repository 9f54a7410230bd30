import LossCore
import Testing
@testable import TensorCodecs

/// Decodes `text` as the tensor field `t`.
func decodeTensor(_ text: String, _ dtypeDefault: DTypeDefault = .float32) throws -> Tensor {
    try JSONTensorDecoder.decode(try parse(text), field: "t", dtypeDefault: dtypeDefault)
}

/// The decoding error message for `text`, or nil when it decodes.
func decodingError(_ text: String, _ dtypeDefault: DTypeDefault = .float32) -> TensorDecodingError? {
    do {
        _ = try JSONTensorDecoder.decode(try parse(text), field: "target", dtypeDefault: dtypeDefault)
        return nil
    } catch let error as TensorDecodingError {
        return error
    } catch {
        return nil
    }
}

@Suite struct JSONTensorDecoderTests {
    static let everyDType: [Tensor] = [
        Tensor(unchecked: [2, 2], storage: .float32([0.1, -2.5, .nan, -.infinity])),
        Tensor(unchecked: [3], storage: .float64([0.1, 1e-300, .infinity])),
        Tensor(unchecked: [2], storage: .float16([HalfPrecision.half(from: 0.1), 0x7C00])),
        Tensor(unchecked: [2], storage: .bfloat16([HalfPrecision.bfloat16(from: 0.1), 0xFF80])),
        Tensor(unchecked: [2, 1], storage: .int64([Int64(1) << 52, -7])),
        Tensor(unchecked: [2], storage: .int32([Int32.min, Int32.max])),
        Tensor(unchecked: [3], storage: .uint8([0, 128, 255])),
        Tensor(unchecked: [1, 2], storage: .bool([true, false])),
        Tensor(unchecked: [], storage: .float32([3.5])),
        Tensor(unchecked: [0, 3], storage: .float32([])),
    ]

    @Test(arguments: everyDType)
    func objectFormRoundTripsEveryDType(_ tensor: Tensor) throws {
        var writer = JSONWriter()
        writer.tensor(tensor)
        let decoded = try JSONTensorDecoder.decode(try JSONParser.parse(writer.bytes), field: "t")
        #expect(decoded.shape == tensor.shape)
        #expect(decoded.dtype == tensor.dtype)
        #expect(bitPatterns(decoded) == bitPatterns(tensor))
    }

    @Test func nestedFormInfersShape() throws {
        let tensor = try decodeTensor("[[[1, 2.5], [3, 4]], [[5, 6], [7, \"NaN\"]]]")
        #expect(tensor.shape == [2, 2, 2])
        #expect(tensor.dtype == .float32)
        let values: [Float] = tensor.values()
        #expect(Array(values.prefix(7)) == [1, 2.5, 3, 4, 5, 6, 7])
        #expect(values[7].isNaN)
        #expect(try decodeTensor("2.5").shape == [])
        #expect(try decodeTensor("[]").shape == [0])
        #expect(try decodeTensor("[[], []]").shape == [2, 0])
        #expect(try decodeTensor("\"-inf\"").values(as: Float.self) == [-.infinity])
    }

    @Test func objectFormAcceptsNestedDataAndMissingShape() throws {
        let tensor = try decodeTensor(#"{"dtype": "long", "data": [[0, 1], [2, 3]]}"#)
        #expect(tensor.shape == [2, 2])
        #expect(tensor.storage == .int64([0, 1, 2, 3]))
        #expect(try decodeTensor(#"{"shape": [4], "data": [[0, 1], [2, 3]]}"#).shape == [4])
        #expect(try decodeTensor(#"{"shape": [], "data": 7}"#).storage == .float32([7]))
    }

    @Test func inferenceFollowsTorchTensor() throws {
        #expect(try decodeTensor("[[0, 1], [2, 3]]", .inferred).dtype == .int64)
        #expect(try decodeTensor("[0, 1.0]", .inferred).dtype == .float32)
        #expect(try decodeTensor("[true, false]", .inferred).dtype == .bool)
        #expect(try decodeTensor("[true, 2]", .inferred).dtype == .int64)
        #expect(try decodeTensor("[1, \"NaN\"]", .inferred).dtype == .float32)
        #expect(try decodeTensor("[]", .inferred).dtype == .float32)
        #expect(try decodeTensor("[0, 1, 2]").dtype == .float32)
        #expect(try decodeTensor(#"{"shape": [2], "dtype": "float64", "data": [0, 1]}"#, .inferred).dtype == .float64)
    }

    @Test func booleansAcceptZeroAndOne() throws {
        #expect(try decodeTensor(#"{"dtype": "bool", "data": [0, 1, true]}"#).storage == .bool([false, true, true]))
        #expect(decodingError(#"{"dtype": "bool", "data": [2]}"#)?.message.contains("bool") == true)
    }

    @Test(arguments: [
        ("[[1, 2], [3]]", "depth 1: expected length 2 but found length 1"),
        ("[[1, 2], 3]", "depth 1: expected an array of length 2 but found a number"),
        ("[1, [2]]", "expected a number but found an array"),
        ("[[[1]], [[1], [2]]]", "depth 1: expected length 1 but found length 2"),
        (#"{"shape": [2, 3], "data": [1, 2, 3, 4, 5]}"#, "shape [2, 3] needs 6 elements but data has 5"),
        (#"{"shape": [4294967296, 4294967296], "data": []}"#, "more elements than can be addressed"),
        (#"{"shape": [-1], "data": []}"#, "non-negative integers"),
        (#"{"shape": [1.5], "data": [1]}"#, "non-negative integers"),
        (#"{"shape": [1], "dtype": "complex64", "data": [1]}"#, "unknown dtype \"complex64\""),
        (#"{"shape": [1], "dtype": 3, "data": [1]}"#, "\"dtype\" must be a string"),
        (#"{"shape": [1]}"#, "no \"data\""),
        (#"{"shape": [1], "data": [1], "extra": 1}"#, "unknown key \"extra\""),
        (#"{"dtype": "int64", "data": [1.5]}"#, "element 0 is 1.5, not an integer"),
        (#"{"dtype": "int64", "data": [1e19]}"#, "outside the range of dtype int64"),
        (#"{"dtype": "int32", "data": [0, 2147483648]}"#, "element 1 is 2147483648, outside the range of dtype int32"),
        (#"{"dtype": "uint8", "data": [-1]}"#, "outside the range of dtype uint8"),
        (#"{"dtype": "int64", "data": ["NaN"]}"#, "not an integer"),
        (#"[1, "one"]"#, "invalid element \"one\" at index 1"),
        ("[1, null]", "expected a number but found null"),
        ("null", "found null"),
        ("[{}]", "expected a number but found object"),
    ])
    func unusableValuesAreTypedErrors(_ json: String, _ fragment: String) {
        let error = decodingError(json)
        #expect(error?.field == "target")
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
    }

    @Test func absentOrNullOptionalTensorsAreNil() throws {
        #expect(try JSONTensorDecoder.decodeIfPresent(nil, field: "weight") == nil)
        #expect(try JSONTensorDecoder.decodeIfPresent(.null, field: "weight") == nil)
        #expect(try JSONTensorDecoder.decodeIfPresent(.numbers([1], integral: true), field: "weight")?.count == 1)
    }

    @Test func nonFiniteSpellingsAreCaseInsensitive() throws {
        let tensor = try decodeTensor(#"["NaN", "nan", "Infinity", "INF", "-Infinity", "-inf"]"#, .fixed(.float64))
        let values: [Double] = tensor.values()
        #expect(values[0].isNaN && values[1].isNaN)
        #expect(Array(values[2...]) == [.infinity, .infinity, -.infinity, -.infinity])
    }
}

/// Element bit patterns widened to UInt64, for bit-exact comparisons that treat NaN as equal.
func bitPatterns(_ tensor: Tensor) -> [UInt64] {
    switch tensor.storage {
    case .float32(let a): a.map { UInt64($0.bitPattern) }
    case .float64(let a): a.map(\.bitPattern)
    case .float16(let a), .bfloat16(let a): a.map { UInt64($0) }
    case .int64(let a): a.map { UInt64(bitPattern: $0) }
    case .int32(let a): a.map { UInt64(UInt32(bitPattern: $0)) }
    case .uint8(let a): a.map { UInt64($0) }
    case .bool(let a): a.map { $0 ? 1 : 0 }
    }
}
