/// The element types a ``Tensor`` can hold, named as PyTorch names them.
public enum DType: String, Sendable, CaseIterable, Codable {
    /// IEEE 754 binary32.
    case float32
    /// IEEE 754 binary64.
    case float64
    /// IEEE 754 binary16; computed in float32, gradients returned as float16.
    case float16
    /// bfloat16 (the top half of a binary32); computed in float32.
    case bfloat16
    /// Signed 64-bit integers (class indices, PyTorch's `long`).
    case int64
    /// Signed 32-bit integers.
    case int32
    /// Unsigned bytes (masks).
    case uint8
    /// Booleans (masks).
    case bool

    /// Size of one element in bytes.
    public var itemSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16: 2
        case .uint8, .bool: 1
        }
    }

    /// Whether the dtype is a floating-point type.
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float64, .float16, .bfloat16: true
        default: false
        }
    }

    /// Parses a dtype name, accepting PyTorch and NumPy spellings (`float`, `double`, `long`, `f4`, …).
    /// - Parameter name: The name as a client sent it.
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "float", "f32", "f4", "fp32": self = .float32
        case "float64", "double", "f64", "f8", "fp64": self = .float64
        case "float16", "half", "f16", "f2", "fp16": self = .float16
        case "bfloat16", "bf16": self = .bfloat16
        case "int64", "long", "i64", "i8": self = .int64
        case "int32", "int", "i32", "i4": self = .int32
        case "uint8", "u8", "u1", "byte": self = .uint8
        case "bool", "boolean", "b1": self = .bool
        default: return nil
        }
    }
}
