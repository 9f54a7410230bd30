import LossCore

extension FlatElements {
    /// The elements converted to `dtype`, checking that integer and boolean values fit.
    ///
    /// Floating dtypes round from the correctly rounded double (as `torch.tensor` does from
    /// a Python float); integer dtypes require whole values within range; `bool` takes 0 and 1.
    func storage(as dtype: DType, field: String) throws(TensorDecodingError) -> Tensor.Storage {
        switch dtype {
        case .float64:
            return .float64(values)
        case .float32:
            return .float32(values.map { Float($0) })
        case .float16:
            return .float16(values.map { HalfPrecision.half(from: Float($0)) })
        case .bfloat16:
            return .bfloat16(values.map { HalfPrecision.bfloat16(from: Float($0)) })
        case .int64:
            return .int64(try integers(Int64.self, field: field))
        case .int32:
            return .int32(try integers(Int32.self, field: field))
        case .uint8:
            return .uint8(try integers(UInt8.self, field: field))
        case .bool:
            var flags = [Bool]()
            flags.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                guard value == 0 || value == 1 else {
                    throw TensorDecodingError(field: field, "element \(index) is \(ParameterValue.number(value)), but dtype bool takes only true, false, 0 or 1")
                }
                flags.append(value == 1)
            }
            return .bool(flags)
        }
    }

    /// Every value as `Integer`, or an error naming the first one that is fractional, non-finite or out of range.
    private func integers<Integer: FixedWidthInteger>(_ type: Integer.Type, field: String) throws(TensorDecodingError) -> [Integer] {
        var result = [Integer]()
        result.reserveCapacity(values.count)
        // Bounds as doubles: min is a power of two (exact); max + 1 is too, and compares exclusively.
        let lower = Double(Integer.min)
        let upperExclusive = Double(Integer.max) + 1
        for (index, value) in values.enumerated() {
            guard value.isFinite, value == value.rounded() else {
                throw TensorDecodingError(field: field, "element \(index) is \(ParameterValue.number(value)), not an integer (dtype \(FlatElements.name(of: Integer.self)))")
            }
            guard value >= lower, value < upperExclusive else {
                throw TensorDecodingError(field: field, "element \(index) is \(ParameterValue.number(value)), outside the range of dtype \(FlatElements.name(of: Integer.self))")
            }
            result.append(Integer(value))
        }
        return result
    }

    private static func name<Integer: FixedWidthInteger>(of type: Integer.Type) -> String {
        switch type {
        case is Int64.Type: DType.int64.rawValue
        case is Int32.Type: DType.int32.rawValue
        default: DType.uint8.rawValue
        }
    }
}
