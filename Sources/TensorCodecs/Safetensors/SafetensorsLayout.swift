import LossCore

/// One tensor's header entry, validated on its own; ``checkCoverage(_:dataCount:)`` then
/// validates the entries together against the data buffer.
struct SafetensorsLayout {
    var name: String
    var dtype: DType
    var shape: [Int]
    var count: Int
    var begin: Int
    var end: Int

    /// Reads `{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}`.
    init(name: String, info: JSONValue) throws(SafetensorsError) {
        self.name = name
        guard let object = info.objectValue else {
            throw SafetensorsError(.headerStructure, tensor: name, "header entry must be an object, found \(info.kindName)")
        }
        guard let dtypeName = object["dtype"]?.stringValue else {
            throw SafetensorsError(.headerStructure, tensor: name, "\"dtype\" is missing or not a string")
        }
        guard let dtype = DType(safetensorsName: dtypeName) else {
            throw SafetensorsError(.unsupportedDType, tensor: name, "unsupported dtype \"\(dtypeName.prefix(20))\" (supported: F64, F32, F16, BF16, I64, I32, U8, BOOL)")
        }
        self.dtype = dtype
        shape = try Self.naturals(object["shape"], key: "shape", tensor: name)
        let offsets = try Self.naturals(object["data_offsets"], key: "data_offsets", tensor: name)
        guard offsets.count == 2, offsets[0] <= offsets[1] else {
            throw SafetensorsError(.offsets, tensor: name, "\"data_offsets\" must be [begin, end] with begin ≤ end")
        }
        begin = offsets[0]
        end = offsets[1]
        guard let count = Tensor.elementCount(of: shape), let size = TensorBytes.byteCount(of: dtype, count: count) else {
            throw SafetensorsError(.shapeOverflow, tensor: name, "shape \(shape) is too large")
        }
        self.count = count
        guard end - begin == size else {
            throw SafetensorsError(.sizeMismatch, tensor: name, "shape \(shape) of \(dtypeName) needs \(size) bytes but data_offsets span \(end - begin)")
        }
    }

    /// Sorts by position and requires the spans to tile `0..<dataCount` exactly.
    static func checkCoverage(_ layouts: inout [SafetensorsLayout], dataCount: Int) throws(SafetensorsError) {
        layouts.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var expectedBegin = 0
        for layout in layouts {
            guard layout.begin == expectedBegin else {
                let problem = layout.begin < expectedBegin ? "overlaps the previous tensor" : "leaves a gap after the previous tensor"
                throw SafetensorsError(.offsets, tensor: layout.name, "data_offsets begin at \(layout.begin), which \(problem) (expected \(expectedBegin))")
            }
            expectedBegin = layout.end
        }
        guard expectedBegin == dataCount else {
            throw SafetensorsError(.offsets, "tensors cover \(expectedBegin) bytes but the data buffer holds \(dataCount)")
        }
    }

    /// An array of non-negative integers below 2^53 (larger ones cannot describe a buffer in memory).
    private static func naturals(_ value: JSONValue?, key: String, tensor: String) throws(SafetensorsError) -> [Int] {
        let numbers: [Double]
        switch value {
        case .numbers(let values, _)?: numbers = values
        case .array(let elements)? where elements.isEmpty: numbers = []
        default: throw SafetensorsError(.headerStructure, tensor: tensor, "\"\(key)\" must be an array of non-negative integers")
        }
        var result = [Int]()
        result.reserveCapacity(numbers.count)
        for number in numbers {
            if number >= 0x1p53, number.isFinite, number == number.rounded() {
                let kind: SafetensorsError.Kind = key == "shape" ? .shapeOverflow : .offsets
                throw SafetensorsError(kind, tensor: tensor, "\"\(key)\" holds \(ParameterValue.number(number)), which is too large")
            }
            guard number >= 0, number == number.rounded() else {
                throw SafetensorsError(.headerStructure, tensor: tensor, "\"\(key)\" must be an array of non-negative integers, found \(ParameterValue.number(number))")
            }
            result.append(Int(number))
        }
        return result
    }
}
