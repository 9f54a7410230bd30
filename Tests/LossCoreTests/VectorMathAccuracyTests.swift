import Foundation
import LossCore
import Testing

/// ``VectorMath`` against libm: the float functions against the Double libm result, the double
/// functions against a Float80 reference where the platform has one. Errors are in ulps of the
/// exact result's binade, so 0.5 is correct rounding; the bounds are the figures measured over
/// all 2³² floats (`VECTORMATH_EXHAUSTIVE=1`) and in VectorMath's table, so a broken coefficient
/// or a lost correction term fails here.
@Suite struct VectorMathAccuracyTests {
    /// A float function, its Double reference and its measured bound.
    struct FloatCase: Sendable, CustomTestStringConvertible {
        let name: String
        let simd: @Sendable (FloatVector) -> FloatVector
        let reference: @Sendable (Double) -> Double
        let bound: Double
        /// Where the function saturates, overflows or changes formula; sampled densely.
        let edges: [ClosedRange<Float>]
        var testDescription: String { name }
    }

    static let floatCases: [FloatCase] = [
        FloatCase(name: "exp", simd: VectorMath.exp, reference: Foundation.exp, bound: 0.77,
                  edges: [80...90, -110 ... -80, -0.36 ... 0.36]),
        FloatCase(name: "expm1", simd: VectorMath.expm1, reference: Foundation.expm1, bound: 0.95,
                  edges: [80...90, -20 ... -15, -1...1, 0x1p-30...0x1p-20]),
        FloatCase(name: "log", simd: VectorMath.log, reference: Foundation.log, bound: 0.86,
                  edges: [0.7...1.5, 0...0x1p-120, 0x1p120...Float.greatestFiniteMagnitude]),
        FloatCase(name: "log1p", simd: VectorMath.log1p, reference: Foundation.log1p, bound: 0.95,
                  edges: [-1 ... -0.99, -0.3...0.42, 0x1p-30...0x1p-20, 0x1p23...0x1p27]),
        FloatCase(name: "sigmoid", simd: VectorMath.sigmoid, reference: sigmoid, bound: 1.10,
                  edges: [-110 ... -15, 15...110, -2...2]),
        FloatCase(name: "softplus", simd: VectorMath.softplus, reference: softplus, bound: 1.20,
                  edges: [-110 ... -15, 15...110, -2...2]),
        FloatCase(name: "tanh", simd: VectorMath.tanh, reference: Foundation.tanh, bound: 1.25,
                  edges: [-0.6...0.6, 8...11, 0x1p-30...0x1p-10]),
    ]

    static func sigmoid(_ x: Double) -> Double {
        x < 0 ? Foundation.exp(x) / (1 + Foundation.exp(x)) : 1 / (1 + Foundation.exp(-x))
    }

    static func softplus(_ x: Double) -> Double {
        Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
    }

    /// The worst error seen, and any lane whose NaN-ness or infinity disagreed with libm.
    struct Worst {
        var ulps = 0.0
        var input: Float = 0
        var mismatches: [Float] = []
    }

    /// |y − r| in ulps of r's float binade. An overflowed y counts as 2¹²⁸, the value IEEE
    /// rounding treats it as, so a threshold off by one place costs about one ulp, not infinity.
    static func ulpError(_ y: Float, _ r: Double) -> Double? {
        if r.isNaN || y.isNaN { return r.isNaN == y.isNaN ? 0 : nil }
        if r.isInfinite { return y == Float(r) ? 0 : nil }
        let rounded = Float(r)
        if rounded.isInfinite && y == rounded { return 0 }
        let magnitude = Swift.abs(rounded).isInfinite ? Float.greatestFiniteMagnitude : Swift.abs(rounded)
        var ulp = Double(magnitude.ulp)
        // Just below a power of two the spacing is half that of the power itself.
        if Double(magnitude) > Swift.abs(r) && magnitude.significandBitPattern == 0 && magnitude.exponentBitPattern > 1 {
            ulp /= 2
        }
        let value = y.isInfinite ? (y < 0 ? -0x1p128 : 0x1p128) : Double(y)
        return Swift.abs(value - r) / ulp
    }

    /// Evaluates `function` on `inputs`, eight lanes at a time, against its reference.
    static func measure(_ function: FloatCase, _ inputs: [Float]) -> Worst {
        var worst = Worst()
        var start = 0
        while start < inputs.count {
            var lanes = FloatVector(repeating: 1)
            let count = Swift.min(FloatVector.lanes, inputs.count - start)
            for lane in 0..<count { lanes[lane] = inputs[start + lane] }
            let results = function.simd(lanes)
            for lane in 0..<count {
                guard let error = ulpError(results[lane], function.reference(Double(lanes[lane]))) else {
                    worst.mismatches.append(lanes[lane])
                    continue
                }
                if error > worst.ulps { (worst.ulps, worst.input) = (error, lanes[lane]) }
            }
            start += FloatVector.lanes
        }
        return worst
    }

    /// Every `stride`-th float bit pattern from `offset`: both signs, denormals, inf and NaN.
    static func bitPatterns(stride: UInt32, offset: UInt32 = 0) -> [Float] {
        Swift.stride(from: UInt64(offset), to: 1 << 32, by: Int(stride)).map { Float(bitPattern: UInt32($0)) }
    }

    /// About `count` floats evenly spaced in bit pattern (so log-spaced in value) over `range`.
    static func sample(_ range: ClosedRange<Float>, count: Int = 20_000) -> [Float] {
        // Ordered keys make a range across zero one interval of bit patterns.
        func key(_ x: Float) -> Int64 { x.sign == .minus ? -Int64(x.magnitude.bitPattern) : Int64(x.bitPattern) }
        func float(_ k: Int64) -> Float { k < 0 ? -Float(bitPattern: UInt32(-k)) : Float(bitPattern: UInt32(k)) }
        let (low, high) = (key(range.lowerBound), key(range.upperBound))
        let step = Swift.max(1, (high - low) / Int64(count))
        return Swift.stride(from: low, through: high, by: Int(step)).map(float) + [range.upperBound]
    }

    static func expectWithinBound(_ function: FloatCase, _ worst: Worst, _ domain: String) {
        #expect(worst.mismatches.isEmpty,
                "\(function.name): special-value mismatch at \(worst.mismatches.prefix(8)) over \(domain)")
        #expect(worst.ulps <= function.bound,
                "\(function.name): \(worst.ulps) ulp at \(worst.input) over \(domain) (bound \(function.bound))")
    }

    @Test("float functions stay within their measured ulp bound over every 20 011th bit pattern",
          arguments: floatCases)
    func floatAcrossAllBitPatterns(function: FloatCase) {
        // A prime stride lands on every residue class of mantissa bits.
        Self.expectWithinBound(function, Self.measure(function, Self.bitPatterns(stride: 20_011)), "the strided sweep")
    }

    @Test("float functions stay within their bound where they saturate, overflow or underflow",
          arguments: floatCases)
    func floatAtTheEdges(function: FloatCase) {
        for range in function.edges {
            let inputs = Self.sample(range) + Self.sample(-range.upperBound ... -range.lowerBound)
            Self.expectWithinBound(function, Self.measure(function, inputs), "\(range) and its negation")
        }
    }

    @Test("float functions stay within their bound over all 2³² inputs (VECTORMATH_EXHAUSTIVE=1)",
          .enabled(if: ProcessInfo.processInfo.environment["VECTORMATH_EXHAUSTIVE"] == "1"),
          arguments: floatCases)
    func floatExhaustive(function: FloatCase) {
        // In slices, so the input buffer stays small.
        var worst = Worst()
        for offset in UInt32(0)..<256 {
            let slice = Self.measure(function, Self.bitPatterns(stride: 256, offset: offset))
            if slice.ulps > worst.ulps { (worst.ulps, worst.input) = (slice.ulps, slice.input) }
            worst.mismatches += slice.mismatches
        }
        print("VectorMath float \(function.name): max \(worst.ulps) ulp at \(worst.input)")
        Self.expectWithinBound(function, worst, "all 2³² floats")
    }

    /// (input, libm's result) pairs, bit-exact but for NaN payloads; zeros carry their sign.
    static let floatSpecials: [String: [(Float, Float)]] = [
        "exp": [(-.infinity, 0), (.infinity, .infinity), (.nan, .nan), (-0.0, 1), (89, .infinity),
                (-104, 0), (.greatestFiniteMagnitude, .infinity), (-.greatestFiniteMagnitude, 0)],
        "expm1": [(-.infinity, -1), (.infinity, .infinity), (.nan, .nan), (-0.0, -0.0), (0, 0),
                  (-30, -1), (-1000, -1), (89, .infinity), (1e-30, 1e-30), (-1e-30, -1e-30)],
        "log": [(0, -.infinity), (-0.0, -.infinity), (-1, .nan), (-.infinity, .nan), (.infinity, .infinity),
                (.nan, .nan), (1, 0), (-.leastNonzeroMagnitude, .nan)],
        "log1p": [(-1, -.infinity), (-2, .nan), (-.infinity, .nan), (.infinity, .infinity), (.nan, .nan),
                  (0, 0), (-0.0, -0.0), (1e-30, 1e-30), (-.leastNonzeroMagnitude, -.leastNonzeroMagnitude)],
        "sigmoid": [(.infinity, 1), (-.infinity, 0), (.nan, .nan), (0, 0.5), (-0.0, 0.5), (20, 1), (-120, 0)],
        "softplus": [(.infinity, .infinity), (-.infinity, 0), (.nan, .nan), (100, 100), (-120, 0),
                     (.greatestFiniteMagnitude, .greatestFiniteMagnitude)],
        "tanh": [(.infinity, 1), (-.infinity, -1), (0, 0), (-0.0, -0.0), (.nan, .nan), (10, 1),
                 (-.greatestFiniteMagnitude, -1), (1e-30, 1e-30), (-.leastNonzeroMagnitude, -.leastNonzeroMagnitude)],
    ]

    @Test("float special values are libm's, sign of zero included, lane by lane", arguments: floatCases)
    func floatSpecialValues(function: FloatCase) throws {
        let pairs = try #require(Self.floatSpecials[function.name])
        for start in Swift.stride(from: 0, to: pairs.count, by: FloatVector.lanes) {
            var lanes = FloatVector(repeating: 0.5)
            for (lane, pair) in pairs[start..<Swift.min(start + FloatVector.lanes, pairs.count)].enumerated() { lanes[lane] = pair.0 }
            let results = function.simd(lanes)
            for (lane, (x, expected)) in pairs[start..<Swift.min(start + FloatVector.lanes, pairs.count)].enumerated() {
                let y = results[lane]
                #expect(expected.isNaN ? y.isNaN : y.bitPattern == expected.bitPattern,
                        "\(function.name)(\(x)) = \(y), libm gives \(expected)")
            }
        }
    }
}
