/// How an `(N, C, d…)` or `(C)` tensor splits into items and classes (class dimension 1, NCHW).
///
/// An *item* is one position `(n, d…)`; its `C` class scores lie `classStride` apart. A rank-1
/// input is a single item, as PyTorch treats a `(C)` input of `cross_entropy`.
public struct ClassLayout: Sendable, Equatable {
    /// Batch size `N` (1 for a rank-1 input).
    public let batch: Int
    /// Number of classes `C`.
    public let classes: Int
    /// Product of the trailing dimensions `d…` (1 when there are none); also the class stride.
    public let inner: Int
    /// Shape of one value per item: the input's shape without the class dimension.
    public let itemShape: [Int]

    /// Reads the layout of `shape`.
    /// - Throws: ``LossError/Code/invalidTensor`` naming `input` for a rank-0 input.
    public init(shape: [Int]) throws(LossError) {
        switch shape.count {
        case 0:
            throw LossError(.invalidTensor, "'input' must have a class dimension: shape (C) or (N, C, d…), got []",
                            field: "input")
        case 1:
            (batch, classes, inner, itemShape) = (1, shape[0], 1, [])
        default:
            // The input tensor exists, so every partial product below is representable.
            batch = shape[0]
            classes = shape[1]
            inner = shape.dropFirst(2).reduce(1, *)
            itemShape = [shape[0]] + shape.dropFirst(2)
        }
    }

    /// Number of items, `N · d…`.
    public var items: Int { batch * inner }

    /// Distance between the scores of consecutive classes of one item.
    public var classStride: Int { inner }

    /// Offset of class 0 of `item` in the row-major input.
    @inline(__always)
    public func base(of item: Int) -> Int {
        let (n, s) = item.quotientAndRemainder(dividingBy: inner)
        return n * classes * inner + s
    }

    /// The log of the sum of exponentials of one item's scores, computed stably (max subtracted).
    @inline(__always)
    public func logSumExp<T: LossFloat>(_ input: UnsafeBufferPointer<T>, item: Int) -> Double {
        let start = base(of: item)
        var largest = -Double.infinity
        for c in 0..<classes { largest = Swift.max(largest, Double(input[start + c * inner])) }
        // An all −∞ (or empty) row has no finite maximum; PyTorch yields NaN/−∞ the same way.
        guard largest.isFinite else { return largest == -.infinity && classes > 0 ? -.infinity : largest }
        var total = 0.0
        for c in 0..<classes { total += ClassMath.exp(Double(input[start + c * inner]) - largest) }
        return largest + ClassMath.log(total)
    }
}

/// Per-class weights (PyTorch's class `weight`), read from the request's `weight` tensor.
enum ClassWeights {
    /// The weights as `Double`, or `nil` when absent.
    /// - Throws: ``LossError/Code/shapeMismatch`` naming `weight` unless it holds exactly `C` values in one dimension.
    static func read(_ weight: Tensor?, classes: Int) throws(LossError) -> [Double]? {
        guard let weight else { return nil }
        guard weight.shape.count <= 1, weight.count == classes else {
            throw LossError(.shapeMismatch,
                            "'weight' is the class weight and must have shape [\(classes)] (one value per class), got \(weight.shape)",
                            field: "weight")
        }
        guard weight.allFinite else {
            throw LossError(.invalidValue, "'weight' contains NaN or infinity", field: "weight")
        }
        return weight.values(as: Double.self)
    }
}
