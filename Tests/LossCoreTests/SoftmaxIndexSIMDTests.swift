import Dispatch
import Foundation
import Synchronization
import Testing
@testable import LossCore

/// A seeded generator for the randomized cases (SplitMix64).
struct ClassCaseRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// One randomized softmax case: logits of a shape, class-index targets in a dtype, parameters.
struct SoftmaxIndexCase: CustomTestStringConvertible, Sendable {
    let loss: String
    let shape: [Int]
    let dtype: DType
    let reduction: String
    /// How many items get `ignore_index` (0 … 1 as a fraction).
    let ignoredFraction: Double
    /// `ignore_index`; nil keeps the default (−100).
    let ignoreIndex: Int?
    let saturated: Bool
    let weighted: Bool
    let gamma: Double
    let alpha: Double?
    let seed: UInt64

    var testDescription: String {
        "\(loss) \(shape) \(dtype.rawValue) \(reduction)" + (ignoredFraction > 0 ? " ignore=\(ignoreIndex ?? -100)" : "")
            + (saturated ? " saturated" : "") + (weighted ? " weighted" : "")
            + (loss == "softmax_focal" ? " γ=\(gamma)" + (alpha.map { " α=\($0)" } ?? "") : "")
    }

    var classes: Int { shape.count == 1 ? shape[0] : shape[1] }
    var itemShape: [Int] { shape.count == 1 ? [] : [shape[0]] + shape.dropFirst(2) }

    var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = ["reduction": .string(reduction)]
        if let ignoreIndex { p["ignore_index"] = .number(Double(ignoreIndex)) }
        if loss == "softmax_focal" {
            p["gamma"] = .number(gamma)
            if let alpha { p["alpha"] = .number(alpha) }
        }
        return p
    }

    /// The float32 inputs, and the same values as float64 (the reference path's inputs).
    func inputs() throws -> (float32: LossInputs, float64: LossInputs) {
        var random = ClassCaseRandom(state: seed)
        let classes = classes
        let items = itemShape.reduce(1, *)
        let inner = shape.count <= 2 ? 1 : shape.dropFirst(2).reduce(1, *)
        var logits = [Float](repeating: 0, count: items * classes)
        var labels = [Int](repeating: 0, count: items)
        for item in 0..<items {
            let n = item / inner, s = item % inner
            let base = n * classes * inner + s
            let dominant = random.below(classes)
            for c in 0..<classes {
                var x = saturated ? random.uniform(-100, 70) : random.uniform(-4, 4)
                if saturated && c == dominant { x = random.uniform(70, 100) }
                logits[base + c * inner] = Float(x)
            }
            labels[item] = saturated && random.unit() < 0.5 ? dominant : random.below(classes)
            if ignoredFraction > 0, random.unit() < ignoredFraction { labels[item] = ignoreIndex ?? -100 }
        }
        let target: Tensor = switch dtype {
        case .int64: try Tensor(shape: itemShape, storage: .int64(labels.map { Int64($0) }))
        case .int32: try Tensor(shape: itemShape, storage: .int32(labels.map { Int32($0) }))
        case .uint8: try Tensor(shape: itemShape, storage: .uint8(labels.map { UInt8($0) }))
        case .bool: try Tensor(shape: itemShape, storage: .bool(labels.map { $0 != 0 }))
        default: try Tensor(shape: itemShape, float32: labels.map { Float($0) })
        }
        let weight = weighted ? (0..<classes).map { _ in Float(random.uniform(0.2, 2)) } : nil
        let weight32 = try weight.map { try Tensor(shape: [classes], float32: $0) }
        let weight64 = try weight.map { try Tensor(shape: [classes], float64: $0.map(Double.init)) }
        let upstream = reduction == "none" ? (0..<items).map { _ in Float(random.uniform(-2, 2)) } : nil
        let grad32 = try upstream.map { try Tensor(shape: itemShape, float32: $0) }
        let grad64 = try upstream.map { try Tensor(shape: itemShape, float64: $0.map(Double.init)) }
        return (LossInputs(input: try Tensor(shape: shape, float32: logits), target: target, weight: weight32, gradOutput: grad32),
                LossInputs(input: try Tensor(shape: shape, float64: logits.map(Double.init)), target: target,
                           weight: weight64, gradOutput: grad64))
    }

    /// The cases: every target dtype, C ∈ {1, 2, 3, 8, 17}, rows and pixel layouts with tails,
    /// ignore_index, saturated logits, reductions and weights.
    static func all(loss: String) -> [SoftmaxIndexCase] {
        var cases: [SoftmaxIndexCase] = []
        var seed: UInt64 = loss == "cross_entropy" ? 1 : 1_000
        func add(_ shape: [Int], _ dtype: DType = .int64, reduction: String = "mean", ignored: Double = 0,
                 ignoreIndex: Int? = nil, saturated: Bool = false, weighted: Bool = false, gamma: Double = 2, alpha: Double? = nil) {
            seed += 1
            cases.append(SoftmaxIndexCase(loss: loss, shape: shape, dtype: dtype, reduction: reduction, ignoredFraction: ignored,
                                          ignoreIndex: ignoreIndex, saturated: saturated, weighted: weighted,
                                          gamma: gamma, alpha: alpha, seed: seed))
        }
        for classes in [1, 2, 3, 8, 17] {
            for rows in [1, 7, 8, 9, 64, 203] {
                add([rows, classes])
            }
            add([37, classes], .int32, ignored: 0.2)
            add([45, classes], saturated: true)
            add([3, classes, 13], .uint8, ignored: 0.3, ignoreIndex: 255)
            add([2, classes, 4, 6], .float32, ignored: 0.25)
            add([4, classes, 5], .int64, reduction: "sum", ignored: 0.1)
            add([3, classes, 3, 8], saturated: true)
        }
        add([19, 2], .bool)
        add([2, 2, 17], .bool, reduction: "sum")
        add([1000, 8], .int64, ignored: 0.1)
        add([1000, 8], .uint8, saturated: true)
        add([131, 8], .int32, ignored: 0.3, ignoreIndex: 3)
        add([2, 8, 64, 3], .int64, ignored: 0.2, saturated: true)
        add([5, 17, 9], .float32, saturated: true)
        add([9, 8], .int64, ignored: 1)
        if loss == "cross_entropy" {
            add([8], .int64)
            add([203, 8], .int64, ignored: 0.2, weighted: true)
            add([3, 5, 7, 3], .uint8, ignored: 0.2, ignoreIndex: 255, saturated: true, weighted: true)
            add([77, 8], reduction: "none", ignored: 0.2, saturated: true)
            add([3, 3, 19], .int32, reduction: "none", ignored: 0.2, weighted: true)
            add([41, 17], reduction: "sum", saturated: true, weighted: true)
        } else {
            for gamma in [0.0, 1, 3, 4] {
                add([67, 8], gamma: gamma)
                add([2, 5, 21], .int32, ignored: 0.2, saturated: true, gamma: gamma)
            }
            add([2, 4, 3, 3], alpha: 0.25)
            add([99, 8], .uint8, ignored: 0.2, ignoreIndex: 255, weighted: true, alpha: 0.6)
            add([3, 3, 11], reduction: "sum", ignored: 0.1, weighted: true)
        }
        return cases
    }
}

/// Whether `actual` is within 2e-5 relative of `expected`, plus 1e-6 of the largest |expected|.
func agreesWithFloor(_ actual: [Double], _ expected: [Double], relative: Double = 2e-5, floor: Double = 1e-6)
    -> (ok: Bool, worst: Double) {
    guard actual.count == expected.count else { return (false, .infinity) }
    let scale = expected.reduce(0) { max($0, $1.isFinite ? abs($1) : 0) }
    var worst = 0.0
    for (a, b) in zip(actual, expected) {
        if b.isNaN { if !a.isNaN { return (false, .infinity) } else { continue } }
        let error = abs(a - b) / (abs(b) + floor / relative * scale + 1e-300)
        if !(error <= relative) { return (false, max(worst, error)) }
        worst = max(worst, abs(a - b) / max(abs(b), 1e-300))
    }
    return (true, worst)
}

/// The float32 SIMD kernels of `cross_entropy` and `softmax_focal` against their float64
/// reference path (the scalar Double code PyTorch's float64 goldens check).
@Suite struct SoftmaxIndexSIMDTests {
    /// Evaluates one case on both paths; returns the float32 and float64 results.
    static func both(_ c: SoftmaxIndexCase) throws -> (LossResult, LossResult) {
        let loss = try #require(LossRegistry.standard.loss(named: c.loss))
        let (f32, f64) = try c.inputs()
        return (try LossRegistry.standard.evaluate(loss, parameters: c.parameters, inputs: f32),
                try LossRegistry.standard.evaluate(loss, parameters: c.parameters, inputs: f64))
    }

    /// Whether the float32 evaluation of `c` takes the SIMD kernel (not the reference path).
    static func takesSIMD(_ c: SoftmaxIndexCase) throws -> Bool {
        let (inputs, _) = try c.inputs()
        let batch = LossBatch(input: inputs.input.values(as: Float.self), shape: inputs.input.shape, target: inputs.target,
                              weight: inputs.weight, gradOutput: inputs.gradOutput)
        let layout = try ClassLayout(shape: c.shape)
        var gradient = [Float](repeating: .nan, count: inputs.input.count)
        return try gradient.withUnsafeMutableBufferPointer { (buffer) throws -> Bool in
            let parameters = try Parameters(c.parameters, specs: (c.loss == "cross_entropy" ? CrossEntropyLoss.descriptor
                                                                   : SoftmaxFocalLoss.descriptor).parameters)
            let weights = try ClassWeights.read(inputs.weight, classes: layout.classes)
            if c.loss == "cross_entropy" {
                let loss = try CrossEntropyLoss(parameters: parameters)
                let kernel = SoftmaxCrossEntropy(classWeights: weights, classes: layout.classes, reduction: loss.reduction)
                return try kernel.evaluateIndices(batch.input, layout: layout, target: batch.target, ignoreIndex: loss.ignoreIndex,
                                                  gradOutput: batch.gradOutput, gradient: buffer) != nil
            }
            return try SoftmaxFocalLoss(parameters: parameters).evaluateIndices(batch, layout: layout, weights: weights,
                                                                                 gradient: buffer) != nil
        }
    }

    func check(_ c: SoftmaxIndexCase) throws {
        let focalNone = c.loss == "softmax_focal" && c.reduction == "none"
        #expect(try Self.takesSIMD(c) != focalNone, "\(c.testDescription) should \(focalNone ? "not " : "")take the SIMD path")
        let (simd, reference) = try Self.both(c)
        #expect(simd.loss.shape == reference.loss.shape)
        #expect(simd.grad.shape == reference.grad.shape)
        let loss: [Double] = simd.loss.values(), expectedLoss: [Double] = reference.loss.values()
        let grad: [Double] = simd.grad.values(), expectedGrad: [Double] = reference.grad.values()
        // A reduced loss is held to 2e-5 relative; unreduced items also get the floor (a confident
        // item's loss is below the float64 reference's own cancellation error).
        let lossCheck = c.reduction == "none" ? agreesWithFloor(loss, expectedLoss)
            : agreesWithFloor(loss, expectedLoss, floor: 0)
        #expect(lossCheck.ok, "loss \(loss.prefix(4)) vs \(expectedLoss.prefix(4)), worst relative \(lossCheck.worst)")
        let gradCheck = agreesWithFloor(grad, expectedGrad)
        #expect(gradCheck.ok, "gradient off by \(gradCheck.worst) relative")
    }

    @Test("cross_entropy float32 SIMD agrees with the float64 path", arguments: SoftmaxIndexCase.all(loss: "cross_entropy"))
    func crossEntropyAgrees(_ c: SoftmaxIndexCase) throws { try check(c) }

    @Test("softmax_focal float32 SIMD agrees with the float64 path", arguments: SoftmaxIndexCase.all(loss: "softmax_focal"))
    func focalAgrees(_ c: SoftmaxIndexCase) throws { try check(c) }

    @Test("a confident correct row keeps its tiny loss to 2e-5 relative (no lse − x_y cancellation)",
          arguments: [5.0, 12, 30, 60])
    func confidentRowLoss(_ gap: Double) throws {
        // Logits [gap, 0, …, 0] with target 0: ce = log1p(7e^{−gap}) exactly.
        let logits = [Float(gap)] + [Float](repeating: 0, count: 7)
        let inputs = LossInputs(input: try Tensor(shape: [1, 8], float32: logits),
                                target: try Tensor(shape: [1], storage: .int64([0])))
        let ce = Foundation.log1p(7 * Foundation.exp(-gap))
        let crossEntropy = try LossRegistry.standard.evaluate(CrossEntropyLoss.self, parameters: [:], inputs: inputs)
        let value = try #require(crossEntropy.loss.scalarValue)
        #expect(abs(value - ce) <= 2e-5 * ce, "cross_entropy \(value) vs \(ce)")
        // softmax_focal, γ = 2: (1 − q)² ce / C with 1 − q = −expm1(−ce) (while float32 can hold it).
        let miss = -Foundation.expm1(-ce)
        let focalExpected = miss * miss * ce / 8
        let focal = try LossRegistry.standard.evaluate(SoftmaxFocalLoss.self, parameters: [:], inputs: inputs)
        let focalValue = try #require(focal.loss.scalarValue)
        if focalExpected > 0x1p-100 {
            #expect(abs(focalValue - focalExpected) <= 2e-5 * focalExpected, "softmax_focal \(focalValue) vs \(focalExpected)")
        }
        // The target's gradient is −(1 − q) = −miss, not the 1 − 1 of q − 1.
        let grad: [Double] = crossEntropy.grad.values()
        #expect(abs(grad[0] + miss) <= 2e-5 * miss, "gradient \(grad[0]) vs \(-miss)")
    }

    @Test("a NaN logit makes the loss NaN on the SIMD path")
    func nanPropagates() throws {
        var logits = [Float](repeating: 0.5, count: 64)
        logits[13] = .nan
        let inputs = LossInputs(input: try Tensor(shape: [8, 8], float32: logits),
                                target: try Tensor(shape: [8], storage: .int64([0, 1, 2, 3, 4, 5, 6, 7])))
        for loss in [CrossEntropyLoss.self, SoftmaxFocalLoss.self] as [any Loss.Type] {
            let result = try LossRegistry.standard.evaluate(loss, parameters: [:], inputs: inputs)
            #expect(try #require(result.loss.scalarValue).isNaN)
        }
    }

    /// Targets the census must reject exactly as `ClassTarget.indices` does.
    static let invalidTargets: [(String, Tensor, [String: ParameterValue])] = [
        ("int64 out of range", try! Tensor(shape: [9], storage: .int64([0, 1, 2, 3, -100, 5, 8, 1, 9])), [:]),
        ("int64 just above an ignore_index float32 rounds to", try! Tensor(shape: [9], storage: .int64([0, 1, 2, 3, 4, 16_777_217, 0, 0, 0])),
         ["ignore_index": .number(16_777_216)]),
        ("int64 huge", try! Tensor(shape: [9], storage: .int64([0, 1, 1 << 40, 3, 4, 5, 6, 7, 0])), [:]),
        ("int32 negative", try! Tensor(shape: [9], storage: .int32([0, 1, 2, -1, 4, 5, 6, 7, 0])), [:]),
        ("uint8 above C", try! Tensor(shape: [9], storage: .uint8([0, 1, 2, 3, 4, 5, 6, 7, 200])), [:]),
        ("float fractional after an out-of-range one", try! Tensor(shape: [9], float32: [0, 9, 2, 3, 4.5, 5, 6, 7, 0]), [:]),
        ("float huge", try! Tensor(shape: [9], float32: [0, 1, 2, 3, 0x1p63, 5, 6, 7, 0]), [:]),
        ("float just above an inexact ignore_index", try! Tensor(shape: [9], float32: [0, 1, 2, 3, 4, 16_777_218, 6, 7, 0]),
         ["ignore_index": .number(16_777_217)]),
    ]

    @Test("an invalid class index fails with the reference path's error, on both losses",
          arguments: 0..<invalidTargets.count)
    func invalidTargetsMatchReference(_ index: Int) throws {
        let (name, target, parameters) = Self.invalidTargets[index]
        let logits = (0..<72).map { Float($0 % 5) }
        for loss in [CrossEntropyLoss.self, SoftmaxFocalLoss.self] as [any Loss.Type] {
            func error(_ input: Tensor) -> LossError? {
                do {
                    _ = try LossRegistry.standard.evaluate(loss, parameters: parameters, inputs: LossInputs(input: input, target: target))
                    return nil
                } catch { return error }
            }
            let simd = error(try Tensor(shape: [9, 8], float32: logits))
            let reference = error(try Tensor(shape: [9, 8], float64: logits.map(Double.init)))
            #expect(simd != nil, "\(name): accepted")
            #expect(simd?.message == reference?.message, "\(name): \(simd?.message ?? "-") vs \(reference?.message ?? "-")")
            #expect(simd?.field == "target")
        }
    }

    @Test("a large evaluation gives identical bits alone and under concurrent load",
          arguments: ["cross_entropy", "softmax_focal"], [[300_000, 8], [3, 4, 70_001]])
    func identicalUnderLoad(_ name: String, _ shape: [Int]) throws {
        let c = SoftmaxIndexCase(loss: name, shape: shape, dtype: .int64, reduction: "mean", ignoredFraction: 0.1, ignoreIndex: nil,
                                 saturated: false, weighted: false, gamma: 2, alpha: nil, seed: 77)
        #expect(shape.reduce(1, *) > ChunkedSum.parallelThreshold)
        let loss = try #require(LossRegistry.standard.loss(named: name))
        let (inputs, _) = try c.inputs()
        let alone = try LossRegistry.standard.evaluate(loss, parameters: c.parameters, inputs: inputs)
        let results = Mutex<[LossResult]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if let result = try? LossRegistry.standard.evaluate(loss, parameters: c.parameters, inputs: inputs) {
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

extension SoftmaxIndexSIMDTests {
    @Test("a NaN logit in an ignored item leaves that item's gradient zero and the loss finite",
          arguments: [[16, 8], [2, 8, 9]])
    func nanInIgnoredItem(_ shape: [Int]) throws {
        let count = shape.reduce(1, *), items = count / 8
        var logits = (0..<count).map { Float($0 % 7) * 0.25 }
        logits[2 * (shape.count == 2 ? 8 : 1)] = .nan   // item 2, class 0 (row layout) / pixel 2 of image 0
        var labels = (0..<items).map { Int64($0 % 8) }
        labels[2] = -100
        let itemShape = shape.count == 2 ? [shape[0]] : [shape[0], shape[2]]
        let inputs = LossInputs(input: try Tensor(shape: shape, float32: logits),
                                target: try Tensor(shape: itemShape, storage: .int64(labels)))
        for loss in [CrossEntropyLoss.self, SoftmaxFocalLoss.self] as [any Loss.Type] {
            let result = try LossRegistry.standard.evaluate(loss, parameters: [:], inputs: inputs)
            #expect(try #require(result.loss.scalarValue).isFinite)
            let grad: [Float] = result.grad.values()
            #expect(grad.allSatisfy { $0.isFinite })
            let stride = shape.count == 2 ? 1 : shape[2], base = shape.count == 2 ? 2 * 8 : 2
            for c in 0..<8 { #expect(grad[base + c * stride] == 0) }
        }
    }
}
