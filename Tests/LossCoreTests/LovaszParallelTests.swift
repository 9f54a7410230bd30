@testable import LossCore
import Testing

/// The parallel Lovász path (inputs above `ChunkedSum.parallelThreshold`) must give the same bits
/// as the sequential one, which stays callable through `LovaszExtension.forcesSequential`.
@Suite struct LovaszParallelTests {
    /// Pseudo-random values in [0, 1), the same on every run.
    struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        /// A logit in [−4, 4] rounded to a multiple of ½, so the errors tie often.
        mutating func tiedLogit() -> Float { Float(((next() * 8 - 4) * 2).rounded() / 2) }
    }

    /// Evaluates `name`, either as shipped or with every step forced onto the calling thread.
    static func evaluate(_ name: String, parameters: [String: ParameterValue], inputs: LossInputs,
                         sequential: Bool) throws -> LossResult {
        let loss = try #require(LossRegistry.standard.loss(named: name))
        return try LovaszExtension.$forcesSequential.withValue(sequential) {
            try LossRegistry.standard.evaluate(loss, parameters: parameters, inputs: inputs)
        }
    }

    /// Expects identical bit patterns of loss and gradient (NaN and −0 included).
    static func expectSameBits(_ parallel: LossResult, _ sequential: LossResult) {
        let bits = { (tensor: Tensor) in tensor.values(as: Double.self).map(\.bitPattern) }
        #expect(parallel.loss.shape == sequential.loss.shape)
        #expect(bits(parallel.loss) == bits(sequential.loss))
        #expect(bits(parallel.grad) == bits(sequential.grad))
    }

    @Test("the parallel sort orders like the sequential comparator, with ties, NaN and a partial last run",
          arguments: [262_144, 300_001, 5 * LovaszParallelSort.runLength + 17])
    func parallelSortMatchesComparator(count: Int) {
        var generator = Generator(state: UInt64(count))
        let errors = (0..<count).map { i -> Double in
            i % 997 == 0 ? .nan : (i % 1_009 == 0 ? -0.0 : Double(generator.tiedLogit()))
        }
        let expected = (0..<count).sorted { a, b in
            LovaszParallelSort.precedes(.init(error: errors[a], index: a), .init(error: errors[b], index: b))
        }
        var sorter = LovaszParallelSort()
        var order = [Int](repeating: -1, count: count)
        errors.withUnsafeBufferPointer { errors in
            order.withUnsafeMutableBufferPointer { order in sorter.sort(errors, count: count, into: order) }
        }
        #expect(order == expected)
    }

    @Test("lovasz_hinge above the threshold gives the sequential bits", arguments: [false, true])
    func hingeMatchesSequential(perImage: Bool) throws {
        // Two images of 300 000 pixels: each image alone is above the threshold too.
        let pixels = 300_000
        var generator = Generator(state: 0x5EED)
        let logits = (0..<(2 * pixels)).map { i in i % 50_021 == 0 ? Float.nan : generator.tiedLogit() }
        let mask = (0..<(2 * pixels)).map { _ -> Float in
            let u = generator.next()
            return u < 0.05 ? 2 : (u < 0.4 ? 1 : 0)
        }
        let inputs = LossInputs(input: try Tensor(shape: [2, pixels], float32: logits),
                                target: try Tensor(shape: [2, pixels], float32: mask))
        for ignore in [nil, 2.0] as [Double?] {
            var parameters: [String: ParameterValue] = ["per_image": .bool(perImage)]
            if let ignore { parameters["ignore_index"] = .number(ignore) }
            let parallel = try Self.evaluate("lovasz_hinge", parameters: parameters, inputs: inputs, sequential: false)
            let sequential = try Self.evaluate("lovasz_hinge", parameters: parameters, inputs: inputs, sequential: true)
            Self.expectSameBits(parallel, sequential)
        }
    }

    @Test("lovasz_hinge in float64 above the threshold gives the sequential bits")
    func hingeDoubleMatchesSequential() throws {
        var generator = Generator(state: 0xD0B1E)
        let count = 280_000
        let logits = (0..<count).map { _ in Double(generator.tiedLogit()) }
        let mask = (0..<count).map { _ in generator.next() < 0.5 ? 1.0 : 0.0 }
        let inputs = LossInputs(input: try Tensor(shape: [count], storage: .float64(logits)),
                                target: try Tensor(shape: [count], storage: .float64(mask)))
        let parallel = try Self.evaluate("lovasz_hinge", parameters: [:], inputs: inputs, sequential: false)
        let sequential = try Self.evaluate("lovasz_hinge", parameters: [:], inputs: inputs, sequential: true)
        Self.expectSameBits(parallel, sequential)
    }

    @Test("lovasz_softmax above the threshold gives the sequential bits", arguments: [false, true])
    func softmaxMatchesSequential(perImage: Bool) throws {
        // (2, 3, 270 000): each image's 270 000 items are above the threshold on their own.
        let items = 270_000, classes = 3
        var generator = Generator(state: 0xC1A55)
        let logits = (0..<(2 * classes * items)).map { _ in generator.tiedLogit() }
        let labels = (0..<(2 * items)).map { _ -> Int64 in
            let u = generator.next()
            return u < 0.05 ? 255 : Int64(u * 2.5) // class 2 is rare, so "present" is exercised
        }
        let inputs = LossInputs(input: try Tensor(shape: [2, classes, items], float32: logits),
                                target: try Tensor(shape: [2, items], storage: .int64(labels)))
        for classesMode in ["present", "all"] {
            let parameters: [String: ParameterValue] = [
                "per_image": .bool(perImage), "ignore_index": .number(255), "classes": .string(classesMode),
            ]
            let parallel = try Self.evaluate("lovasz_softmax", parameters: parameters, inputs: inputs, sequential: false)
            let sequential = try Self.evaluate("lovasz_softmax", parameters: parameters, inputs: inputs, sequential: true)
            Self.expectSameBits(parallel, sequential)
        }
    }
}
