import Foundation
import Testing
@testable import LossCore

/// The lean logistic tier (`expOfNegativeMagnitude`, `log1pOfUnit`) against libm in Double,
/// over every 97th float of its domain: the bounds the loss kernels' accuracy rests on.
@Suite struct LogisticAccuracyTests {
    /// Error of `value` in units of the last place of the correctly rounded float result.
    static func ulps(_ value: Float, _ exact: Double) -> Double {
        let rounded = Float(exact)
        if rounded == 0 { return value == 0 ? 0 : .infinity }
        return abs(Double(value) - exact) / Double(rounded.ulp)
    }

    /// Every `stride`-th float bit pattern in [low, high] (non-negative floats order by bits).
    static func floats(from low: Float, to high: Float, stride: UInt32 = 97) -> [Float] {
        Array(Swift.stride(from: low.bitPattern, through: high.bitPattern, by: Int(stride)).map { Float(bitPattern: $0) }) + [low, high]
    }

    static func apply(_ values: [Float], _ f: (FloatVector) -> FloatVector) -> [Float] {
        var out = [Float](repeating: 0, count: values.count)
        var i = 0
        while i < values.count {
            var lanes = FloatVector()
            for k in 0..<min(FloatVector.lanes, values.count - i) { lanes[k] = values[i + k] }
            let result = f(lanes)
            for k in 0..<min(FloatVector.lanes, values.count - i) { out[i + k] = result[k] }
            i += FloatVector.lanes
        }
        return out
    }

    @Test("e^−a is within 2 ulp for a in [0, 87] and 0 beyond, NaN kept")
    func expOfNegativeMagnitude() {
        let a = Self.floats(from: 0, to: 87)
        let z = Self.apply(a) { VectorMath.expOfNegativeMagnitude($0) }
        var worst = 0.0
        for (x, y) in zip(a, z) { worst = max(worst, Self.ulps(y, Foundation.exp(-Double(x)))) }
        #expect(worst <= 2, "max error \(worst) ulp")
        let beyond = Self.apply([87.5, 100, 1e30, .infinity]) { VectorMath.expOfNegativeMagnitude($0) }
        #expect(beyond == [0, 0, 0, 0])
        #expect(Self.apply([.nan]) { VectorMath.expOfNegativeMagnitude($0) }[0].isNaN)
    }

    @Test("log1p(z) for z in [0, 1] is within 2 ulp, tiny z included")
    func log1pOfUnit() {
        let z = Self.floats(from: 0, to: 1) + Self.floats(from: 0x1p-126, to: 0x1p-100, stride: 9973)
        let y = Self.apply(z) { VectorMath.log1pOfUnit($0, reciprocal: 1 / (1 + $0)) }
        var worst = 0.0
        for (x, v) in zip(z, y) { worst = max(worst, Self.ulps(v, Foundation.log1p(Double(x)))) }
        #expect(worst <= 2, "max error \(worst) ulp")
    }

    @Test("the sigmoid pair is within 3 ulp on both sides, and the signed small sigmoid round-trips")
    func sigmoidPair() {
        let magnitudes = Self.floats(from: 0, to: 86, stride: 331)
        let x = magnitudes + magnitudes.map { -$0 }
        var worst = 0.0
        var i = 0
        while i + FloatVector.lanes <= x.count {
            let lanes = FloatVector(x[i..<i + FloatVector.lanes])
            let pair = SigmoidPair(lanes)
            let restored = SigmoidPair(signedSmall: pair.signedSmall)
            for k in 0..<FloatVector.lanes {
                let v = Double(x[i + k])
                let exact = 1 / (1 + Foundation.exp(-v)), exactNegative = 1 / (1 + Foundation.exp(v))
                worst = max(worst, Self.ulps(pair.positive[k], exact), Self.ulps(pair.negative[k], exactNegative),
                            Self.ulps(restored.positive[k], exact), Self.ulps(restored.negative[k], exactNegative))
                let tail = Foundation.log1p(Foundation.exp(-abs(v)))
                worst = max(worst, Self.ulps(pair.tail[k], tail))
            }
            i += FloatVector.lanes
        }
        #expect(worst <= 3, "max error \(worst) ulp")
    }
}
