import LossCore

/// The content of a safetensors file: named tensors in file order plus string metadata.
public struct SafetensorsFile: Sendable, Equatable {
    /// One named tensor.
    public struct Entry: Sendable, Equatable {
        /// The tensor's name in the header.
        public var name: String
        /// The tensor.
        public var tensor: Tensor

        /// Creates an entry.
        public init(name: String, tensor: Tensor) {
            self.name = name
            self.tensor = tensor
        }
    }

    /// The tensors; decoding yields them in data order, encoding writes them in this order.
    public var entries: [Entry]
    /// The `__metadata__` string map (empty when absent).
    public var metadata: [String: String]

    /// Creates a file.
    /// - Parameters:
    ///   - entries: Named tensors; names must be unique and must not be `__metadata__`.
    ///   - metadata: String metadata.
    public init(entries: [Entry], metadata: [String: String] = [:]) {
        self.entries = entries
        self.metadata = metadata
    }

    /// The tensor called `name`, if present.
    public subscript(name: String) -> Tensor? {
        entries.first { $0.name == name }?.tensor
    }

    /// The tensor names, in entry order.
    public var names: [String] { entries.map(\.name) }
}

extension DType {
    /// The safetensors spelling (`F32`, `BF16`, `BOOL`, …).
    public var safetensorsName: String {
        switch self {
        case .float64: "F64"
        case .float32: "F32"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .int64: "I64"
        case .int32: "I32"
        case .uint8: "U8"
        case .bool: "BOOL"
        }
    }

    /// The dtype for a safetensors dtype name, or `nil` for one lossd does not support.
    public init?(safetensorsName name: String) {
        switch name {
        case "F64": self = .float64
        case "F32": self = .float32
        case "F16": self = .float16
        case "BF16": self = .bfloat16
        case "I64": self = .int64
        case "I32": self = .int32
        case "U8": self = .uint8
        case "BOOL": self = .bool
        default: return nil
        }
    }
}
