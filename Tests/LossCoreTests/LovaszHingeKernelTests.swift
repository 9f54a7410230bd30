@testable import LossCore
import Testing

/// The float32 `lovasz_hinge` kernel (radix sort on float keys, targets read in their wire dtype)
/// against the Double reference it replaces, which stays callable through
/// `LovaszHingeLoss.forcesReference`.
@Suite struct LovaszHingeKernelTests {
    typealias Generator = LovaszParallelTests.Generator

    /// Target dtypes the kernel reads in place.
    enum TargetType: String, CaseIterable, CustomTestStringConvertible {
        case uint8, bool, int32, int64, float32
        var testDescription: String { rawValue }

        /// A tensor of 0/1 labels, with `ignored` where the label is nil.
        func tensor(_ labels: [Int?], shape: [Int], ignored: Int) throws -> Tensor {
            let values = labels.map { $0 ?? ignored }
            switch self {
            case .uint8: return try Tensor(shape: shape, storage: .uint8(values.map { UInt8($0) }))
            case .bool: return try Tensor(shape: shape, storage: .bool(values.map { $0 != 0 }))
            case .int32: return try Tensor(shape: shape, storage: .int32(values.map { Int32($0) }))
            case .int64: return try Tensor(shape: shape, storage: .int64(values.map { Int64($0) }))
            case .float32: return try Tensor(shape: shape, float32: values.map { Float($0) })
            }
        }
    }

    /// Evaluates `lovasz_hinge` with the kernel or the reference.
    static func evaluate(_ parameters: [String: ParameterValue], _ inputs: LossInputs, reference: Bool,
                         sequential: Bool = false) throws -> LossResult {
        let loss = try #require(LossRegistry.standard.loss(named: "lovasz_hinge"))
        return try LovaszHingeLoss.$forcesReference.withValue(reference) {
            try LovaszExtension.$forcesSequential.withValue(sequential) {
                try LossRegistry.standard.evaluate(loss, parameters: parameters, inputs: inputs)
            }
        }
    }

    /// Gradient bit for bit; the loss bit for bit when every set is below the bucketed threshold
    /// (summed in the reference's order), else within an ulp of float32 (bucket sums are grouped);
    /// a NaN loss as NaN.
    static func expectAgreement(_ kernel: LossResult, _ reference: LossResult, setSize: Int,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        let kernelGrad: [Float] = kernel.grad.values(), referenceGrad: [Float] = reference.grad.values()
        #expect(kernel.grad.shape == reference.grad.shape, sourceLocation: sourceLocation)
        let mismatch = kernelGrad.indices.first { kernelGrad[$0].bitPattern != referenceGrad[$0].bitPattern }
        #expect(mismatch == nil, "gradient differs at \(mismatch ?? -1): \(mismatch.map { kernelGrad[$0] } ?? 0) vs \(mismatch.map { referenceGrad[$0] } ?? 0)",
                sourceLocation: sourceLocation)
        #expect(kernel.loss.shape == reference.loss.shape, sourceLocation: sourceLocation)
        let kernelLoss: [Float] = kernel.loss.values(), referenceLoss: [Float] = reference.loss.values()
        #expect(kernelLoss.count == referenceLoss.count, sourceLocation: sourceLocation)
        for (a, b) in zip(kernelLoss, referenceLoss) {
            if a.isNaN || b.isNaN {
                // A NaN logit makes the loss NaN; its payload is not part of the contract.
                #expect(a.isNaN && b.isNaN, "loss \(a) vs \(b)", sourceLocation: sourceLocation)
            } else if setSize < LovaszHingeKernel<UInt8>.bucketedThreshold {
                #expect(a.bitPattern == b.bitPattern, "loss \(a) vs \(b)", sourceLocation: sourceLocation)
            } else {
                #expect(abs(a - b) <= b.ulp, "loss \(a) vs \(b)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Logits of one of three kinds: continuous, quantised to halves (many tied errors), or
    /// special (NaN, ±∞, ±0, tiny, subnormal, huge, and y = 1 exactly, where the hinge is 0).
    static func logits(_ count: Int, kind: Int, generator: inout Generator) -> [Float] {
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, 1, -1, 1e-30, -1e-30, 0x1p-40, -0x1p-54,
                                 0x1.8p-53, 0x1p-29, -0x1p-29, 0x1.fffffep-30, .leastNonzeroMagnitude,
                                 -.leastNormalMagnitude, 1e30, -3e38, 1 - 0x1p-24, 1 + 0x1p-23]
        return (0..<count).map { _ -> Float in
            switch kind {
            case 0: return Float(generator.next() * 8 - 4)
            case 1: return generator.tiedLogit()
            default:
                let u = generator.next()
                return u < 0.5 ? specials[Int(u * 2 * Double(specials.count))] : generator.tiedLogit()
            }
        }
    }

    /// Labels: 0/1, nil (ignored) with probability `ignoring`.
    static func labels(_ count: Int, ignoring: Double, generator: inout Generator) -> [Int?] {
        (0..<count).map { _ in
            let u = generator.next()
            return u < ignoring ? nil : (u < ignoring + (1 - ignoring) * 0.4 ? 1 : 0)
        }
    }

    static let sizes = [1, 2, 7, 8, 9, 33, 1_000, 4_099, 65_537,
                        LovaszHingeKernel<UInt8>.bucketedThreshold - 1, LovaszHingeKernel<UInt8>.bucketedThreshold,
                        LovaszHingeKernel<UInt8>.bucketedThreshold + 4_099]

    @Test("the kernel gives the reference's gradient bits and loss for every target dtype, with ties and ignored pixels",
          arguments: sizes)
    func matchesReference(size: Int) throws {
        var generator = Generator(state: UInt64(size) &* 0x9E37_79B9)
        for (index, type) in TargetType.allCases.enumerated() {
            // Each dtype gets its own logit kind and ignore setting, so every size sees all of them.
            let kind = (index + size) % 3
            let ignoring = index % 2 == 0 ? 0.2 : 0
            let ignored = type == .bool ? 1 : (type == .uint8 ? 255 : -100)
            let x = Self.logits(size, kind: kind, generator: &generator)
            let t = Self.labels(size, ignoring: type == .bool ? 0 : ignoring, generator: &generator)
            let inputs = LossInputs(input: try Tensor(shape: [size], float32: x), target: try type.tensor(t, shape: [size], ignored: ignored))
            var parameters: [String: ParameterValue] = [:]
            if ignoring > 0 && type != .bool { parameters["ignore_index"] = .number(Double(ignored)) }
            let kernel = try Self.evaluate(parameters, inputs, reference: false)
            let reference = try Self.evaluate(parameters, inputs, reference: true)
            Self.expectAgreement(kernel, reference, setSize: size)
            // The registry's answer came from the kernel, not from a fallback to the reference.
            let ignore = parameters["ignore_index"].map { _ in Double(ignored) }
            var direct = [Float](repeating: .nan, count: size)
            let loss = try direct.withUnsafeMutableBufferPointer { gradient in
                try inputs.target.visitElements(DirectKernel(input: x, ignoreIndex: ignore, gradient: gradient))
            }
            // Outer optional: the dtype is read in place; inner: the kernel took the target.
            #expect(loss != nil && loss! != nil, "\(type) fell back")
            #expect(direct.map(\.bitPattern) == reference.grad.values(as: Float.self).map(\.bitPattern))
        }
    }

    /// Runs the kernel itself on a whole tensor with upstream gradient 1.
    struct DirectKernel: ElementVisitor {
        let input: [Float]
        let ignoreIndex: Double?
        let gradient: UnsafeMutableBufferPointer<Float>

        /// The kernel's loss, `nil` if it declined the target.
        func visit<S: TargetScalar>(_ target: UnsafeBufferPointer<S>) -> Double? {
            input.withUnsafeBufferPointer { input in
                let kernel = LovaszHingeKernel(input: input.baseAddress!, target: target.baseAddress!, gradient: gradient.baseAddress!,
                                               classes: LovaszTargetClasses(ignoreIndex: ignoreIndex), parallel: true)
                var workspace = LovaszHingeKernel<S>.Workspace()
                return kernel.evaluate(0..<input.count, scale: 1, workspace: &workspace)
            }
        }
    }

    @Test("per-image losses, sum and none reductions and a grad_output per image agree with the reference",
          arguments: [(4, 9), (3, 1_001), (2, LovaszHingeKernel<UInt8>.bucketedThreshold + 7)])
    func perImageMatchesReference(images: Int, pixels: Int) throws {
        var generator = Generator(state: UInt64(images * pixels))
        let count = images * pixels
        let x = Self.logits(count, kind: 1, generator: &generator)
        var t = Self.labels(count, ignoring: 0.1, generator: &generator)
        // One image entirely ignored: its loss is 0 and so is its gradient.
        for i in 0..<pixels { t[i] = nil }
        let target = try TargetType.uint8.tensor(t, shape: [images, pixels], ignored: 255)
        let input = try Tensor(shape: [images, pixels], float32: x)
        let upstream = (0..<images).map { Float($0) - 1.5 }
        let cases: [([String: ParameterValue], Tensor?)] = [
            (["per_image": .bool(true)], nil),
            (["per_image": .bool(true), "reduction": .string("sum")], Tensor.scalar(-0.25)),
            (["per_image": .bool(true), "reduction": .string("none")], try Tensor(shape: [images], float32: upstream)),
            (["per_image": .bool(false), "reduction": .string("none")], Tensor.scalar(0)),
        ]
        for (caseParameters, gradOutput) in cases {
            var parameters = caseParameters
            parameters["ignore_index"] = .number(255)
            let inputs = LossInputs(input: input, target: target, gradOutput: gradOutput)
            let kernel = try Self.evaluate(parameters, inputs, reference: false)
            let reference = try Self.evaluate(parameters, inputs, reference: true)
            Self.expectAgreement(kernel, reference, setSize: parameters["per_image"] == .bool(true) ? pixels : count)
        }
    }

    @Test("targets other than 0, 1 and the ignore index fall back to the reference", arguments: [false, true])
    func unexpectedTargetsFallBack(large: Bool) throws {
        let count = large ? LovaszHingeKernel<UInt8>.bucketedThreshold + 3 : 21
        var generator = Generator(state: 7)
        let x = Self.logits(count, kind: 0, generator: &generator)
        var soft = (0..<count).map { _ in Float(generator.next() < 0.5 ? 1 : 0) }
        soft[count - 1] = 0.5
        var labels = soft.map { Int64($0) }
        labels[count / 2] = 2
        for target in [try Tensor(shape: [count], float32: soft), try Tensor(shape: [count], storage: .int64(labels))] {
            let inputs = LossInputs(input: try Tensor(shape: [count], float32: x), target: target)
            let kernel = try Self.evaluate([:], inputs, reference: false)
            let reference = try Self.evaluate([:], inputs, reference: true)
            #expect(kernel == reference)
        }
        // An ignore index float32 cannot hold matches no element exactly, as in the reference.
        let inputs = LossInputs(input: try Tensor(shape: [count], float32: x),
                                target: try Tensor(shape: [count], storage: .int64(labels.map { $0 == 2 ? 16_777_217 : $0 })))
        let parameters: [String: ParameterValue] = ["ignore_index": .number(16_777_217)]
        Self.expectAgreement(try Self.evaluate(parameters, inputs, reference: false),
                             try Self.evaluate(parameters, inputs, reference: true), setSize: count)
    }

    @Test("the bucketed path gives the same bits on one thread as on many, for every target dtype",
          arguments: TargetType.allCases)
    func bucketedPathIsDeterministic(type: TargetType) throws {
        let count = LovaszHingeKernel<UInt8>.bucketedThreshold * 2 + 5
        var generator = Generator(state: 0xB0C)
        let x = Self.logits(count, kind: 2, generator: &generator)
        let t = Self.labels(count, ignoring: type == .bool ? 0 : 0.05, generator: &generator)
        let inputs = LossInputs(input: try Tensor(shape: [count], float32: x), target: try type.tensor(t, shape: [count], ignored: type == .bool ? 1 : 3))
        let parameters: [String: ParameterValue] = type == .bool ? [:] : ["ignore_index": .number(3)]
        let parallel = try Self.evaluate(parameters, inputs, reference: false)
        let sequential = try Self.evaluate(parameters, inputs, reference: false, sequential: true)
        LovaszParallelTests.expectSameBits(parallel, sequential)
    }

    @Test("one dense histogram bin larger than a bucket, and errors all tied, sort like the reference",
          arguments: [false, true])
    func oversizedBins(allTied: Bool) throws {
        // Logits within 2⁻⁸ of 1.5 share the top 16 key bits: one bin of every element.
        let count = LovaszHingeKernel<UInt8>.bucketedThreshold + 1_000
        var generator = Generator(state: 0xD15)
        let x = (0..<count).map { _ in allTied ? Float(-0.5) : Float(-1.5 + generator.next() * 0x1p-9) }
        let t = (0..<count).map { _ in UInt8(generator.next() < 0.3 ? 1 : 0) }
        let inputs = LossInputs(input: try Tensor(shape: [count], float32: x), target: try Tensor(shape: [count], storage: .uint8(t)))
        Self.expectAgreement(try Self.evaluate([:], inputs, reference: false), try Self.evaluate([:], inputs, reference: true),
                             setSize: count)
    }

    @Test("sort keys order and tie y exactly as the reference's Double errors 1 − y do")
    func keysFollowDoubleErrors() {
        var generator = Generator(state: 0x4E7)
        let specials: [Float] = [.nan, -.nan, .infinity, -.infinity, 0, -0.0, 1e-30, -1e-30, 0x1p-54, 0x1.8p-54,
                                 0x1p-53, 0x1.8p-53, -0x1p-53, -0x1.8p-53, 0x1p-29, 0x1.fffffep-30, -0x1p-29,
                                 -0x1.fffffep-30, 0x1p-30, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1, 2, -3e38]
        // Random bit patterns: every exponent, so about a third are below 2⁻²⁹ in magnitude.
        let values = specials + (0..<2_000).map { _ in Float(bitPattern: UInt32(generator.next() * 0x1p32)) }
        for a in values {
            for b in values.prefix(200) {
                let ea = 1 - Double(a), eb = 1 - Double(b)
                let ka = LovaszEntry.key(a), kb = LovaszEntry.key(b)
                if ea.isNaN || eb.isNaN {
                    #expect((ka == 0) == ea.isNaN && (kb == 0) == eb.isNaN)
                } else {
                    #expect((ka < kb) == (ea > eb), "\(a) \(b)")
                    #expect((ka == kb) == (ea == eb), "\(a) \(b)")
                    #expect(LovaszEntry.error(ofKey: ka).bitPattern == ea.bitPattern, "\(a)")
                }
            }
        }
    }

    @Test("the radix sort orders entries as a comparison sort does", arguments: [5, 33, 2_048, 70_001])
    func radixSortMatchesSort(count: Int) {
        var generator = Generator(state: UInt64(count))
        // Keys from a narrow range (ties) or across all 32 bits; entries in position order.
        let entries = (0..<count).map { position -> UInt64 in
            let key = count % 2 == 0 ? UInt32(generator.next() * 300) << 20 : UInt32(generator.next() * 0xFFFF_FFFF)
            return LovaszEntry.entry(key: key, position: position, foreground: generator.next() < 0.5 ? 1 : 0)
        }
        var buffer = entries
        var scratch = LovaszEntryBuffer()
        defer { scratch.deallocate() }
        let counters = UnsafeMutablePointer<UInt32>.allocate(capacity: LovaszRadixSort.counterCount)
        defer { counters.deallocate() }
        let sorted = buffer.withUnsafeMutableBufferPointer { buffer in
            let result = LovaszRadixSort.sort(buffer.baseAddress!, count: count, scratch: &scratch, counters: counters)
            return Array(UnsafeBufferPointer(start: result, count: count))
        }
        #expect(sorted == entries.sorted())
    }
}
