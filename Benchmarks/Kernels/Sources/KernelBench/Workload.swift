import LossCore

/// One loss at one size, with tensors shaped as Benchmarks/cases.py shapes them.
struct Workload {
    /// The loss name, as in the URL.
    let loss: String
    /// The size label (1K, 64K, 1M).
    let label: String
    /// The tensors handed to `evaluate`.
    let inputs: LossInputs
    /// Bytes a kernel must at least touch: input and target read, gradient written.
    let movedBytes: Int

    /// The size labels and their element counts, as bench.py.
    static let sizes: [(label: String, count: Int)] = [("1K", 1_000), ("64K", 64_000), ("1M", 1_000_000)]
    /// The losses, as bench.py.
    static let losses = ["mse", "bce_with_logits", "dice", "cross_entropy"]
    /// Classes for cross_entropy.
    static let classes = 10

    /// Builds the workload's tensors from a seeded generator (values differ from bench.py's;
    /// only their distributions matter for timing).
    init(loss: String, label: String, count: Int, random: inout SplitMix64) throws {
        self.loss = loss
        self.label = label
        let input = (0..<count).map { _ in Float(random.nextGaussian()) }
        let target: Tensor
        let inputShape: [Int]
        switch loss {
        case "cross_entropy":
            let rows = count / Self.classes
            inputShape = [rows, Self.classes]
            target = try Tensor(shape: [rows], storage: .int64((0..<rows).map { _ in Int64(random.next() % UInt64(Self.classes)) }))
        case "mse":
            inputShape = [count]
            target = try Tensor(shape: [count], float32: (0..<count).map { _ in Float(random.nextGaussian()) })
        default:
            inputShape = [count]
            target = try Tensor(shape: [count], float32: (0..<count).map { _ in random.nextUnit() < 0.3 ? 1 : 0 })
        }
        inputs = LossInputs(input: try Tensor(shape: inputShape, float32: input), target: target)
        let targetBytes = target.dtype == .int64 ? target.count * 8 : target.count * 4
        movedBytes = 2 * count * 4 + targetBytes
    }
}
