import Dispatch
import Synchronization
import Testing
import LossCore

/// Results must not depend on thread count or load: the parallel kernels chunk by element
/// count only and combine partial sums in chunk order.
@Suite struct DeterminismTests {
    /// Above `ChunkedSum.parallelThreshold`, so the kernels take their parallel path.
    static let count = 300_000

    static func inputs(classes: Int = 1, indexTarget: Bool = false) throws -> LossInputs {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        let n = count / classes
        let input = (0..<(n * classes)).map { _ in Float(next() * 8 - 4) }
        let shape = classes == 1 ? [n] : [n, classes]
        let target: Tensor = indexTarget
            ? try Tensor(shape: [n], storage: .int64((0..<n).map { _ in Int64(next() * Double(classes)) }))
            : try Tensor(shape: shape, float32: (0..<(n * classes)).map { _ in next() < 0.3 ? 1 : 0 })
        return LossInputs(input: try Tensor(shape: shape, float32: input), target: target)
    }

    @Test("a large evaluation gives identical bits alone and under concurrent load",
          arguments: ["mse", "dice", "bce_with_logits", "cross_entropy", "focal", "lovasz_hinge"])
    func identicalUnderLoad(_ name: String) throws {
        let loss = try #require(LossRegistry.standard.loss(named: name))
        let inputs = name == "cross_entropy" ? try Self.inputs(classes: 10, indexTarget: true) : try Self.inputs()
        let alone = try LossRegistry.standard.evaluate(loss, parameters: [:], inputs: inputs)
        let results = Mutex<[LossResult]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if let result = try? LossRegistry.standard.evaluate(loss, parameters: [:], inputs: inputs) {
                results.withLock { $0.append(result) }
            }
        }
        let loaded = results.withLock { $0 }
        #expect(loaded.count == 4)
        for result in loaded {
            #expect(result == alone, "\(name) changed under load")
        }
    }
}
