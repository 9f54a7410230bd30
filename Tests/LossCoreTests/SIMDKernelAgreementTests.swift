import Testing
import LossCore

/// The float32 SIMD kernels against the Double reference path on the same values.
///
/// A float32 tensor widens to float64 exactly, so evaluating the same numbers once as float32
/// (SIMD lanes, float32 transcendentals, Double sums) and once as float64 (the scalar reference
/// path that the golden cases check against PyTorch float64) must agree to float32 accuracy:
/// loss within 2e-5 relative, each gradient (and unreduced loss) element within 2e-5 relative
/// plus 1e-6 of the tensor's largest magnitude — the golden tests' float32 tolerance.
@Suite struct SIMDKernelAgreementTests {
    /// Deterministic pseudo-random numbers (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        /// Logits: mostly moderate, some saturated (|x| up to 100), a few exact zeros.
        mutating func logit() -> Float {
            switch next() % 20 {
            case 0: return Float(unit() * 200 - 100)
            case 1: return Float(unit() * 30 + 15) * (next() % 2 == 0 ? 1 : -1)
            case 2: return 0
            default: return Float(unit() * 12 - 6)
            }
        }
    }

    static func target(_ dtype: DType, shape: [Int], _ random: inout Random, soft: Bool = false) throws -> Tensor {
        let count = Tensor.elementCount(of: shape)!
        let bits = (0..<count).map { _ in random.next() % 3 == 0 }
        switch dtype {
        case .uint8: return try Tensor(shape: shape, storage: .uint8(bits.map { $0 ? 1 : 0 }))
        case .bool: return try Tensor(shape: shape, storage: .bool(bits))
        case .int32: return try Tensor(shape: shape, storage: .int32(bits.map { $0 ? 1 : 0 }))
        case .int64: return try Tensor(shape: shape, storage: .int64(bits.map { $0 ? 1 : 0 }))
        default:
            let values = soft ? (0..<count).map { _ in Float(random.unit()) } : bits.map { $0 ? Float(1) : 0 }
            return try Tensor(shape: shape, float32: values)
        }
    }

    static func widened(_ tensor: Tensor) -> Tensor {
        guard case .float32(let values) = tensor.storage else { return tensor }
        return Tensor(unchecked: tensor.shape, storage: .float64(values.map(Double.init)))
    }

    /// Evaluates once in float32 and once in float64 and checks the agreement.
    static func check(_ name: String, _ parameters: [String: ParameterValue], input: Tensor, target: Tensor,
                      weight: Tensor? = nil, gradOutput: Tensor? = nil) throws {
        let loss = try #require(LossRegistry.standard.loss(named: name))
        let single = try LossRegistry.standard.evaluate(
            loss, parameters: parameters, inputs: LossInputs(input: input, target: target, weight: weight, gradOutput: gradOutput))
        let double = try LossRegistry.standard.evaluate(
            loss, parameters: parameters,
            inputs: LossInputs(input: widened(input), target: target, weight: weight.map(widened),
                               gradOutput: gradOutput.map(widened)))
        #expect(single.loss.dtype == .float32 && single.grad.dtype == .float32)
        let context = "\(name) \(parameters) \(input.shape) target \(target.dtype.rawValue)"
        let (loss32, loss64): ([Double], [Double]) = (single.loss.values(), double.loss.values())
        #expect(single.loss.shape == double.loss.shape, "\(context)")
        // An unreduced loss gets the gradient's floor: for a saturated logit the reference path
        // rounds as PyTorch's float64 does (e.g. x − (x − 1e-14) = 0), the SIMD path keeps the tiny value.
        let largestLoss = loss64.reduce(0) { max($0, $1.isFinite ? abs($1) : 0) }
        let lossFloor = loss64.count > 1 ? 1e-6 * largestLoss + 1e-37 : 1e-30
        #expect(close(loss32, loss64, relative: 2e-5, floor: lossFloor), "\(context): loss differs, worst \(worst(loss32, loss64))")
        let (grad32, grad64): ([Double], [Double]) = (single.grad.values(), double.grad.values())
        let largest = grad64.reduce(0) { max($0, $1.isFinite ? abs($1) : 0) }
        #expect(close(grad32, grad64, relative: 2e-5, floor: 1e-6 * largest + 1e-37),
                "\(context): grad differs, worst \(worst(grad32, grad64))")
    }

    static func close(_ a: [Double], _ b: [Double], relative: Double, floor: Double) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            if y.isNaN { if !x.isNaN { return false } else { continue } }
            if y.isInfinite { if x != y { return false } else { continue } }
            if abs(x - y) > relative * abs(y) + floor { return false }
        }
        return true
    }

    static func worst(_ a: [Double], _ b: [Double]) -> String {
        var index = 0, gap = -1.0
        for i in a.indices where abs(a[i] - b[i]) > gap { gap = abs(a[i] - b[i]); index = i }
        return a.isEmpty ? "-" : "element \(index): \(a[index]) vs \(b[index])"
    }

    static let sizes = [1, 7, 8, 9, 33, 1000, 300_003]
    static let targetTypes: [DType] = [.uint8, .bool, .int32, .int64, .float32]

    @Test("elementwise losses: float32 SIMD agrees with the Double path", arguments: ["mse", "bce_with_logits", "focal"])
    func elementwise(_ name: String) throws {
        var random = Random(state: 7)
        for count in Self.sizes {
            for dtype in Self.targetTypes {
                let input = try Tensor(shape: [count], float32: (0..<count).map { _ in random.logit() })
                let target = try Self.target(dtype, shape: [count], &random)
                for reduction in ["mean", "sum", "none"] {
                    try Self.check(name, ["reduction": .string(reduction)], input: input, target: target)
                }
            }
        }
    }

    @Test("elementwise options: weights, grad_output, soft targets, smoothing, pos_weight, γ and α")
    func elementwiseOptions() throws {
        var random = Random(state: 11)
        let shape = [3, 5, 7]
        let input = try Tensor(shape: shape, float32: (0..<105).map { _ in random.logit() })
        let soft = try Self.target(.float32, shape: shape, &random, soft: true)
        let weight = try Tensor(shape: [7], float32: (0..<7).map { _ in Float(random.unit() * 2) })
        let upstream = try Tensor(shape: shape, float32: (0..<105).map { _ in Float(random.unit() * 4 - 2) })
        let broadcastTarget = try Self.target(.uint8, shape: [5, 1], &random)
        for name in ["mse", "bce_with_logits", "focal"] {
            try Self.check(name, [:], input: input, target: soft, weight: weight)
            try Self.check(name, ["reduction": .string("none")], input: input, target: soft, gradOutput: upstream)
            try Self.check(name, ["reduction": .string("sum")], input: input, target: broadcastTarget,
                           gradOutput: Tensor.scalar(-0.5))
        }
        try Self.check("bce_with_logits", ["label_smoothing": .number(0.1), "pos_weight": .numbers([3])], input: input, target: soft)
        for gamma in [0.0, 1, 2, 3, 4] {
            for alpha in [-1.0, 0.25, 0.9] {
                try Self.check("focal", ["gamma": .number(gamma), "alpha": .number(alpha)], input: input, target: soft)
            }
        }
    }

    @Test("region losses: float32 SIMD agrees with the Double path",
          arguments: ["dice", "iou", "tversky", "focal_tversky", "dice_bce", "combo", "mcc", "generalized_dice"])
    func region(_ name: String) throws {
        var random = Random(state: 13)
        let shapes: [([Int], String)] = [([2, 1, 5, 7], "binary"), ([3, 1, 33], "binary"), ([2, 3, 4, 5], "multilabel"),
                                         ([2, 1, 300, 501], "binary")]
        for (shape, mode) in shapes {
            let count = Tensor.elementCount(of: shape)!
            let input = try Tensor(shape: shape, float32: (0..<count).map { _ in random.logit() })
            for dtype in Self.targetTypes {
                let target = try Self.target(dtype, shape: shape, &random)
                for perImage in [false, true] {
                    for reduction in ["mean", "none"] {
                        try Self.check(name, ["mode": .string(mode), "per_image": .bool(perImage), "reduction": .string(reduction)],
                                       input: input, target: target)
                    }
                }
            }
        }
    }

    @Test("region losses past 2²¹ elements (σ recomputed in pass 2, not parked) agree with the Double path",
          arguments: ["dice", "iou", "tversky"])
    func regionRecomputingTheSigmoid(_ name: String) throws {
        var random = Random(state: 29)
        let shape = [2, 1, 1024, 1031]
        let count = Tensor.elementCount(of: shape)!
        #expect(count >= 1 << 21)
        let input = try Tensor(shape: shape, float32: (0..<count).map { _ in random.logit() })
        let target = try Self.target(.uint8, shape: shape, &random)
        for perImage in [false, true] {
            try Self.check(name, ["per_image": .bool(perImage)], input: input, target: target)
        }
    }

    @Test("region options: ignore_index, probabilities, squared_pred, soft targets")
    func regionOptions() throws {
        var random = Random(state: 17)
        let shape = [2, 1, 9, 13]
        let input = try Tensor(shape: shape, float32: (0..<234).map { _ in random.logit() })
        let probabilities = try Tensor(shape: shape, float32: (0..<234).map { _ in Float(random.unit()) })
        let labels = try Tensor(shape: shape, storage: .uint8((0..<234).map { _ in UInt8(random.next() % 3 == 0 ? 255 : random.next() % 2) }))
        let soft = try Self.target(.float32, shape: shape, &random, soft: true)
        for name in ["dice", "iou", "dice_bce", "tversky"] {
            try Self.check(name, ["ignore_index": .number(255)], input: input, target: labels)
            try Self.check(name, ["from_logits": .bool(false)], input: probabilities, target: soft)
            try Self.check(name, [:], input: input, target: soft)
        }
        try Self.check("dice", ["squared_pred": .bool(true)], input: input, target: soft)
        try Self.check("dice", ["log_loss": .bool(true), "smooth": .number(0)], input: input, target: labels,
                       gradOutput: Tensor.scalar(2))
    }
}

/// The registry really takes the SIMD paths for float32 (so the agreement tests above compare two
/// different implementations, not the reference path with itself).
@Suite struct SIMDPathSelectionTests {
    @Test("mse through the registry is bitwise the ElementwiseSIMD driver's result")
    func registryUsesElementwiseSIMD() throws {
        let input = try Tensor(shape: [1001], float32: (0..<1001).map { Float($0 % 17) * 0.37 - 3 })
        let target = try Tensor(shape: [1001], storage: .uint8((0..<1001).map { UInt8($0 % 2) }))
        let registry = try LossRegistry.standard.evaluate(try #require(LossRegistry.standard.loss(named: "mse")),
                                                          parameters: [:], inputs: LossInputs(input: input, target: target))
        var gradient = [Float](repeating: .nan, count: 1001)
        let direct = try gradient.withUnsafeMutableBufferPointer { (buffer) throws(LossError) in
            try ElementwiseSIMD.evaluate(SquaredErrorLanes(), LossBatch(input: input.values(), shape: [1001], target: target),
                                         reduction: .mean, gradient: buffer)
        }
        let value = try #require(direct)
        #expect(registry.loss == Tensor(unchecked: [], storage: .float32(value.loss)))
        #expect(registry.grad == Tensor(unchecked: [1001], storage: .float32(gradient)))
    }

    @Test("a float64 target sends a float32 input to the reference path")
    func float64TargetIsNotNarrowed() throws {
        let input = try Tensor(shape: [9], float32: (0..<9).map { Float($0) })
        let target = try Tensor(shape: [9], float64: (0..<9).map { Double($0) + 0.1 })
        var gradient = [Float](repeating: 0, count: 9)
        let direct = try gradient.withUnsafeMutableBufferPointer { (buffer) throws(LossError) in
            try ElementwiseSIMD.evaluate(SquaredErrorLanes(), LossBatch(input: input.values(), shape: [9], target: target),
                                         reduction: .mean, gradient: buffer)
        }
        #expect(direct == nil)
    }

    @Test("a non-finite float target is refused by the fused check, reduced and unreduced")
    func fusedFinitenessCheck() throws {
        for reduction in ["mean", "none"] {
            for bad in [Float.nan, .infinity, -.infinity] {
                var values = [Float](repeating: 0.5, count: 300_000)
                values[123_457] = bad
                let inputs = LossInputs(input: try Tensor(shape: [300_000], float32: .init(repeating: 0, count: 300_000)),
                                        target: try Tensor(shape: [300_000], float32: values))
                for name in ["mse", "bce_with_logits", "focal"] {
                    #expect(throws: LossRegistry.nonFiniteTarget) {
                        try LossRegistry.standard.evaluate(LossRegistry.standard.loss(named: name)!,
                                                           parameters: ["reduction": .string(reduction)], inputs: inputs)
                    }
                }
            }
        }
    }
}
