/// Floating-point element types a loss computes on natively.
public protocol LossFloat: BinaryFloatingPoint, Sendable where Self.RawSignificand: FixedWidthInteger {
    /// The storage case wrapping an array of this type.
    static func storage(_ values: [Self]) -> Tensor.Storage
    /// The dtype of this type.
    static var dtype: DType { get }
}

extension Float: LossFloat {
    /// Wraps values as float32 storage.
    public static func storage(_ values: [Float]) -> Tensor.Storage { .float32(values) }
    /// `.float32`.
    public static var dtype: DType { .float32 }
}

extension Double: LossFloat {
    /// Wraps values as float64 storage.
    public static func storage(_ values: [Double]) -> Tensor.Storage { .float64(values) }
    /// `.float64`.
    public static var dtype: DType { .float64 }
}

extension Tensor {
    /// The elements converted to `T`. Free (shares storage) when the dtype already is `T`.
    ///
    /// Booleans become 0/1; float16 and bfloat16 are widened exactly.
    /// - Parameter type: The element type wanted.
    public func values<T: LossFloat>(as type: T.Type = T.self) -> [T] {
        switch storage {
        // Same element type: reinterpret the array (sharing its buffer); `as!` would copy
        // element by element through a runtime cast in generic code.
        case .float32(let a): return T.self == Float.self ? unsafeBitCast(a, to: [T].self) : a.map { T($0) }
        case .float64(let a): return T.self == Double.self ? unsafeBitCast(a, to: [T].self) : a.map { T($0) }
        case .float16(let a): return a.map { T(HalfPrecision.float(fromHalf: $0)) }
        case .bfloat16(let a): return a.map { T(HalfPrecision.float(fromBFloat16: $0)) }
        case .int64(let a): return a.map { T($0) }
        case .int32(let a): return a.map { T($0) }
        case .uint8(let a): return a.map { T($0) }
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        }
    }

    /// The elements as `Int64` class indices, or `nil` for a floating-point tensor.
    public func integerValues() -> [Int64]? {
        switch storage {
        case .int64(let a): a
        case .int32(let a): a.map { Int64($0) }
        case .uint8(let a): a.map { Int64($0) }
        case .bool(let a): a.map { $0 ? 1 : 0 }
        default: nil
        }
    }

    /// Whether every element is finite (always true for integer dtypes).
    public var allFinite: Bool {
        switch storage {
        case .float32(let a): a.allSatisfy { $0.isFinite }
        case .float64(let a): a.allSatisfy { $0.isFinite }
        case .float16(let a): a.allSatisfy { ($0 & 0x7C00) != 0x7C00 }
        case .bfloat16(let a): a.allSatisfy { ($0 & 0x7F80) != 0x7F80 }
        default: true
        }
    }

    /// The single value of a one-element tensor, as `Double`.
    public var scalarValue: Double? {
        guard count == 1 else { return nil }
        let one: [Double] = values()
        return one[0]
    }
}

/// Conversions between IEEE binary16 / bfloat16 bit patterns and `Float`.
public enum HalfPrecision {
    /// Widens a binary16 bit pattern to `Float` exactly.
    public static func float(fromHalf bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Subnormal: mantissa × 2^-24, exact in binary32.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }

    /// Narrows a `Float` to binary16 with round-to-nearest-even (overflow → ±inf, NaN kept).
    public static func half(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        if value.isNaN { return sign | 0x7E00 }
        let magnitude = abs(value)
        if magnitude >= 65520 { return sign | 0x7C00 }
        if magnitude < 0x1p-14 {
            // Subnormal range: quantise to multiples of 2^-24, ties to even.
            let scaled = (magnitude * 0x1p24).rounded(.toNearestOrEven)
            return sign | UInt16(scaled)
        }
        let exponent = Int((bits >> 23) & 0xFF) - 127 + 15
        var mantissa = bits & 0x7F_FFFF
        var halfExponent = UInt32(exponent)
        let roundBits = mantissa & 0x1FFF
        mantissa >>= 13
        if roundBits > 0x1000 || (roundBits == 0x1000 && (mantissa & 1) == 1) {
            mantissa += 1
            if mantissa == 0x400 { mantissa = 0; halfExponent += 1 }
        }
        if halfExponent >= 0x1F { return sign | 0x7C00 }
        return sign | UInt16(halfExponent << 10) | UInt16(mantissa)
    }

    /// Widens a bfloat16 bit pattern to `Float` exactly.
    public static func float(fromBFloat16 bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Narrows a `Float` to bfloat16 with round-to-nearest-even (NaN kept quiet).
    public static func bfloat16(from value: Float) -> UInt16 {
        if value.isNaN { return UInt16(value.bitPattern >> 16) | 0x0040 }
        let bits = value.bitPattern
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }
}

extension Tensor {
    /// Calls `body` with the raw bytes of the elements (native little-endian layout).
    /// - Parameter body: Reads the bytes; they are valid only during the call.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch storage {
        case .float32(let a): try a.withUnsafeBytes(body)
        case .float64(let a): try a.withUnsafeBytes(body)
        case .float16(let a): try a.withUnsafeBytes(body)
        case .bfloat16(let a): try a.withUnsafeBytes(body)
        case .int64(let a): try a.withUnsafeBytes(body)
        case .int32(let a): try a.withUnsafeBytes(body)
        case .uint8(let a): try a.withUnsafeBytes(body)
        case .bool(let a): try a.withUnsafeBytes(body)
        }
    }
}
