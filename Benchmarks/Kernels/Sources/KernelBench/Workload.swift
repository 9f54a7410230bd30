#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import LossCore

/// One loss at one size, with the tensors handed to `LossRegistry.standard.evaluate`.
///
/// Shapes and dtypes (torch_bench.py builds the same, from the same random sequence):
/// - `mse`: input `[n]` float32, target `[n]` float32 standard normal.
/// - `bce_with_logits`, `focal`, `dice`, `lovasz_hinge`: input `[n/1000, 1, 25, 40]` float32
///   (an (N, 1, H, W) segmentation batch), target the same shape, **uint8** 0/1 (30 % ones).
/// - `cross_entropy`, `softmax_focal`: input `[n/8, 8]` float32 logits, target `[n/8]` int64
///   class indices (what `F.cross_entropy` takes).
/// Inputs are standard normal. All losses run with lossd's default parameters.
struct Workload {
    /// The loss name, as in the URL.
    let loss: String
    /// The size label (1K, 64K, 1M, 16M).
    let label: String
    /// Input elements.
    let elements: Int
    /// The tensors handed to `evaluate`.
    let inputs: LossInputs
    /// Bytes of the input (float32).
    let inputBytes: Int
    /// Bytes of the target, in its dtype.
    let targetBytes: Int
    /// Bytes of the gradient lossd writes (the input's size).
    var gradBytes: Int { inputBytes }
    /// Bytes a kernel must at least move: input and target read, gradient written.
    var movedBytes: Int { inputBytes + targetBytes + gradBytes }

    /// The size labels and their element counts.
    static let sizes: [(label: String, count: Int)] = [
        ("1K", 1_000), ("64K", 64_000), ("1M", 1_000_000), ("16M", 16_000_000),
    ]
    /// The losses, in report order.
    static let losses = ["mse", "bce_with_logits", "dice", "focal", "cross_entropy", "softmax_focal", "lovasz_hinge"]
    /// Classes of `cross_entropy` and `softmax_focal`.
    static let classes = 8
    /// Pixels per image of the mask losses: (N, 1, 25, 40).
    static let imageShape = [1, 25, 40]
    /// Fraction of ones in the 0/1 masks.
    static let foreground = 0.3

    /// The input's shape for `loss` at `count` elements.
    static func inputShape(loss: String, count: Int) -> [Int] {
        switch loss {
        case "mse": [count]
        case "cross_entropy", "softmax_focal": [count / classes, classes]
        default: [count / imageShape.reduce(1, *)] + imageShape
        }
    }

    /// Builds the workload's tensors from its own seeded generator.
    init(loss: String, label: String, count: Int) throws {
        self.loss = loss
        self.label = label
        self.elements = count
        var random = SplitMix64(seed: SplitMix64.seed(loss: loss, elements: count))
        let shape = Self.inputShape(loss: loss, count: count)
        precondition(shape.reduce(1, *) == count, "\(count) elements do not fit shape \(shape)")
        let input = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = Float(random.nextGaussian()) }
            initialized = count
        }
        let target: Tensor
        switch loss {
        case "mse":
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count { buffer[i] = Float(random.nextGaussian()) }
                initialized = count
            }
            target = try Tensor(shape: shape, storage: .float32(values))
        case "cross_entropy", "softmax_focal":
            let rows = shape[0]
            let values = [Int64](unsafeUninitializedCapacity: rows) { buffer, initialized in
                for i in 0..<rows { buffer[i] = Int64(random.next() % UInt64(Self.classes)) }
                initialized = rows
            }
            target = try Tensor(shape: [rows], storage: .int64(values))
        default:
            let values = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0..<count { buffer[i] = random.nextUnit() < Self.foreground ? 1 : 0 }
                initialized = count
            }
            target = try Tensor(shape: shape, storage: .uint8(values))
        }
        inputs = LossInputs(input: try Tensor(shape: shape, float32: input), target: target)
        inputBytes = count * 4
        targetBytes = target.count * target.dtype.itemSize
    }

    /// Calls `body` with the raw bytes of the input and of the target.
    func withSourceBytes<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard case .float32(let input) = inputs.input.storage else { preconditionFailure("float32 input") }
        return try input.withUnsafeBytes { inputBytes in
            switch inputs.target.storage {
            case .float32(let a): try a.withUnsafeBytes { try body(inputBytes, $0) }
            case .int64(let a): try a.withUnsafeBytes { try body(inputBytes, $0) }
            case .uint8(let a): try a.withUnsafeBytes { try body(inputBytes, $0) }
            default: preconditionFailure("target dtype \(inputs.target.dtype) not built here")
            }
        }
    }
}
