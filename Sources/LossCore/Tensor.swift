/// A dense, row-major tensor: a shape and a typed, contiguous buffer.
///
/// `Tensor` is a value type; copies share storage until written (copy-on-write of the
/// underlying arrays), so passing tensors between layers costs no copy of the data.
public struct Tensor: Sendable, Equatable {
    /// The typed element storage.
    public enum Storage: Sendable, Equatable {
        case float32([Float])
        case float64([Double])
        /// Raw IEEE binary16 bit patterns.
        case float16([UInt16])
        /// Raw bfloat16 bit patterns.
        case bfloat16([UInt16])
        case int64([Int64])
        case int32([Int32])
        case uint8([UInt8])
        case bool([Bool])
    }

    /// The extent of each dimension; `[]` is a scalar.
    public var shape: [Int]
    /// The elements, row-major.
    public var storage: Storage

    /// Creates a tensor, checking that the element count matches the shape.
    /// - Parameters:
    ///   - shape: The dimensions; each must be non-negative.
    ///   - storage: The elements in row-major order.
    public init(shape: [Int], storage: Storage) throws(LossError) {
        guard let count = Tensor.elementCount(of: shape) else {
            throw LossError(.invalidTensor, "shape \(shape) is invalid or too large")
        }
        guard count == storage.count else {
            throw LossError(.invalidTensor, "shape \(shape) needs \(count) elements but \(storage.count) were given")
        }
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor without checking; the caller guarantees `storage.count == product(shape)`.
    public init(unchecked shape: [Int], storage: Storage) {
        self.shape = shape
        self.storage = storage
    }

    /// A float32 tensor.
    public init(shape: [Int], float32 values: [Float]) throws(LossError) {
        try self.init(shape: shape, storage: .float32(values))
    }

    /// A float64 tensor.
    public init(shape: [Int], float64 values: [Double]) throws(LossError) {
        try self.init(shape: shape, storage: .float64(values))
    }

    /// A rank-0 tensor holding one value of the given floating-point dtype.
    public static func scalar(_ value: Double, dtype: DType = .float32) -> Tensor {
        switch dtype {
        case .float64: Tensor(unchecked: [], storage: .float64([value]))
        default: Tensor(unchecked: [], storage: .float32([Float(value)]))
        }
    }

    /// The element type.
    public var dtype: DType { storage.dtype }

    /// Number of elements (product of the shape).
    public var count: Int { storage.count }

    /// Product of `shape`, or `nil` when a dimension is negative or the product overflows `Int`.
    public static func elementCount(of shape: [Int]) -> Int? {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            product = result
        }
        return product
    }
}

extension Tensor.Storage {
    /// The dtype of these elements.
    public var dtype: DType {
        switch self {
        case .float32: .float32
        case .float64: .float64
        case .float16: .float16
        case .bfloat16: .bfloat16
        case .int64: .int64
        case .int32: .int32
        case .uint8: .uint8
        case .bool: .bool
        }
    }

    /// Number of elements.
    public var count: Int {
        switch self {
        case .float32(let a): a.count
        case .float64(let a): a.count
        case .float16(let a): a.count
        case .bfloat16(let a): a.count
        case .int64(let a): a.count
        case .int32(let a): a.count
        case .uint8(let a): a.count
        case .bool(let a): a.count
        }
    }
}
