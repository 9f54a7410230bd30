import Foundation
import LossCore
import Testing

/// ``VectorMath``'s float64 functions: special values everywhere, accuracy against Float80 libm
/// (11 more bits, so errors near 0.5 ulp and libm's own are resolved) where Float80 exists. The
/// bounds are the measured maxima in VectorMath's table; the contract is 2 ulp.
@Suite struct VectorMathDoubleAccuracyTests {
    /// (input, libm's result) pairs, bit-exact but for NaN payloads; zeros carry their sign.
    static let specials: [(String, @Sendable (SIMD4<Double>) -> SIMD4<Double>, [(Double, Double)])] = [
        ("exp", VectorMath.exp, [(-.infinity, 0), (.infinity, .infinity), (.nan, .nan), (-0.0, 1), (710, .infinity),
                                 (-746, 0), (.greatestFiniteMagnitude, .infinity), (-.greatestFiniteMagnitude, 0)]),
        ("expm1", VectorMath.expm1, [(-.infinity, -1), (.infinity, .infinity), (.nan, .nan), (-0.0, -0.0), (0, 0),
                                     (-40, -1), (710, .infinity), (1e-300, 1e-300), (-1e-300, -1e-300)]),
        ("log", VectorMath.log, [(0, -.infinity), (-0.0, -.infinity), (-1, .nan), (-.infinity, .nan),
                                 (.infinity, .infinity), (.nan, .nan), (1, 0), (-.leastNonzeroMagnitude, .nan)]),
        ("log1p", VectorMath.log1p, [(-1, -.infinity), (-2, .nan), (-.infinity, .nan), (.infinity, .infinity),
                                     (.nan, .nan), (0, 0), (-0.0, -0.0), (1e-300, 1e-300),
                                     (-.leastNonzeroMagnitude, -.leastNonzeroMagnitude)]),
        ("sigmoid", VectorMath.sigmoid, [(.infinity, 1), (-.infinity, 0), (.nan, .nan), (0, 0.5), (-0.0, 0.5),
                                         (40, 1), (-760, 0)]),
        ("softplus", VectorMath.softplus, [(.infinity, .infinity), (-.infinity, 0), (.nan, .nan), (100, 100),
                                           (-760, 0), (.greatestFiniteMagnitude, .greatestFiniteMagnitude)]),
        ("tanh", VectorMath.tanh, [(.infinity, 1), (-.infinity, -1), (0, 0), (-0.0, -0.0), (.nan, .nan), (20, 1),
                                   (-.greatestFiniteMagnitude, -1), (1e-300, 1e-300),
                                   (-.leastNonzeroMagnitude, -.leastNonzeroMagnitude)]),
    ]

    @Test("double special values are libm's, sign of zero included, lane by lane")
    func doubleSpecialValues() {
        for (name, function, pairs) in Self.specials {
            for start in Swift.stride(from: 0, to: pairs.count, by: 4) {
                let chunk = pairs[start..<Swift.min(start + 4, pairs.count)]
                var lanes = SIMD4<Double>(repeating: 0.5)
                for (lane, pair) in chunk.enumerated() { lanes[lane] = pair.0 }
                let results = function(lanes)
                for (lane, (x, expected)) in chunk.enumerated() {
                    let y = results[lane]
                    #expect(expected.isNaN ? y.isNaN : y.bitPattern == expected.bitPattern,
                            "\(name)(\(x)) = \(y), libm gives \(expected)")
                }
            }
        }
    }

#if arch(x86_64) && !os(Windows)
    /// A double function, its Float80 reference, its measured bound and where it is sampled.
    struct DoubleCase: Sendable, CustomTestStringConvertible {
        let name: String
        let simd: @Sendable (SIMD4<Double>) -> SIMD4<Double>
        let reference: @Sendable (Float80) -> Float80
        let bound: Double
        let ranges: [ClosedRange<Double>]
        var testDescription: String { name }
    }

    static let expRanges: [ClosedRange<Double>] = [-1...1, -40...40, -750...750, 700...710]
    static let logRanges: [ClosedRange<Double>] = [0.5...2, 0...1e-300, -1...1, -1e-3...1e-3]
    static let cases: [DoubleCase] = [
        DoubleCase(name: "exp", simd: VectorMath.exp, reference: expl, bound: 0.80, ranges: expRanges),
        DoubleCase(name: "expm1", simd: VectorMath.expm1, reference: expm1l, bound: 1.00, ranges: expRanges),
        DoubleCase(name: "log", simd: VectorMath.log, reference: logl, bound: 0.85, ranges: logRanges),
        DoubleCase(name: "log1p", simd: VectorMath.log1p, reference: log1pl, bound: 0.95, ranges: logRanges),
        DoubleCase(name: "sigmoid", simd: VectorMath.sigmoid, reference: sigmoid, bound: 1.15, ranges: expRanges),
        DoubleCase(name: "softplus", simd: VectorMath.softplus, reference: softplus, bound: 1.20, ranges: expRanges),
        DoubleCase(name: "tanh", simd: VectorMath.tanh, reference: tanhl, bound: 1.25, ranges: expRanges),
    ]

    static func sigmoid(_ x: Float80) -> Float80 { x < 0 ? expl(x) / (1 + expl(x)) : 1 / (1 + expl(-x)) }

    static func softplus(_ x: Float80) -> Float80 { Swift.max(x, 0) + log1pl(expl(-Swift.abs(x))) }

    /// |y − r| in ulps of r's double binade; an overflowed y counts as 2¹⁰²⁴ (see the float one).
    static func ulpError(_ y: Double, _ r: Float80) -> Double? {
        if r.isNaN || y.isNaN { return r.isNaN == y.isNaN ? 0 : nil }
        if r.isInfinite { return y == Double(r) ? 0 : nil }
        let rounded = Double(r)
        if rounded.isInfinite && y == rounded { return 0 }
        let magnitude = Swift.abs(rounded).isInfinite ? Double.greatestFiniteMagnitude : Swift.abs(rounded)
        var ulp = Float80(magnitude.ulp)
        if Float80(magnitude) > Swift.abs(r) && magnitude.significandBitPattern == 0 && magnitude.exponentBitPattern > 1 {
            ulp /= 2
        }
        let value = y.isInfinite ? (y < 0 ? -0x1p1024 : 0x1p1024) : Float80(y)
        return Double(Swift.abs(value - r) / ulp)
    }

    @Test("double functions stay within 2 ulp (their measured bound) of Float80 libm", arguments: cases)
    func doubleAccuracy(function: DoubleCase) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {  // SplitMix64: the same inputs on every run
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = (state ^ (state >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let sources: [(String, () -> Double)] = [("random bit patterns", { Double(bitPattern: next()) })]
            + function.ranges.map { range in
                ("\(range)", { range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() >> 11) * 0x1p-53 })
            }
        for (domain, draw) in sources {
            var (worst, at, mismatches) = (0.0, 0.0, [Double]())
            for _ in 0..<10_000 {
                let x = SIMD4<Double>(draw(), draw(), draw(), draw())
                let y = function.simd(x)
                for lane in 0..<4 {
                    guard let error = Self.ulpError(y[lane], function.reference(Float80(x[lane]))) else {
                        mismatches.append(x[lane])
                        continue
                    }
                    if error > worst { (worst, at) = (error, x[lane]) }
                }
            }
            #expect(mismatches.isEmpty, "\(function.name): special-value mismatch at \(mismatches.prefix(4)) in \(domain)")
            #expect(worst <= function.bound, "\(function.name): \(worst) ulp at \(at) in \(domain) (bound \(function.bound))")
        }
    }
#endif
}
