// The float32 range reductions and polynomials behind VectorMath+Float.swift. Coefficients are
// weighted-minimax (Remez) fits made for this library, rounded to Float; each fit error is
// quoted. Nothing here handles special values: the public functions clamp and mask around it.

extension VectorMath {
    /// Cody–Waite reduction x = n·ln2 + r + c, |r| ≤ ln2/2, c the rounding error of r.
    /// Also returns t = n + 1.5·2²³, whose low mantissa bits hold n: the magic add rounds to an
    /// integer without the float→int conversion the stdlib would do lane by lane.
    @_transparent @usableFromInline
    static func reduceExp(_ x: FloatVector) -> (r: FloatVector, c: FloatVector, t: FloatVector) {
        let t = x * 1.442695 + 12_582_912
        let n = t - 12_582_912
        // hi = ln2 to 16 bits, so n·hi and x − n·hi are exact for |n| < 2⁸.
        let high = x - n * 0.693145751953125
        let low = n * 1.4286068e-6
        let r = high - low
        return (r, (high - r) - low, t)
    }

    /// 2^n₁, 2^n₂ and 2^−n₂ with n₁ = ⌊n/2⌋, n₂ = n − n₁, shifted into the exponent field.
    /// n is carried with a bias of 256 so that unsigned shifts act as arithmetic ones. Applying
    /// 2ⁿ in two halves keeps each factor normal for n = −160…145 and rounds a denormal once.
    @_transparent @usableFromInline
    static func exponentScales(_ t: FloatVector) -> (FloatVector, FloatVector, FloatVector) {
        let biased = bits(t) &- (0x4b40_0000 &- 256)  // n + 256
        let half = biased &>> 1  // n₁ + 128
        let s1 = float(bits: (half &- 1) &<< 23)
        let s2 = float(bits: (biased &- half &- 1) &<< 23)
        let inverseS2 = float(bits: (255 &+ half &- biased) &<< 23)
        return (s1, s2, inverseS2)
    }

    /// e^r − 1 − r = r²/2 + r³·q(r) on |r| ≤ 0.347; error 2^−31.3 relative to e^r − 1.
    @_transparent @usableFromInline
    static func expm1Tail(_ r: FloatVector) -> FloatVector {
        var q = FloatVector(repeating: 0.00019824087)
        q = multiplyAdd(q, r, 0.0013933354)
        q = multiplyAdd(q, r, 0.00833342)
        q = multiplyAdd(q, r, 0.04166648)
        q = multiplyAdd(q, r, 0.16666666)
        return (r * r) * multiplyAdd(q, r, 0.5)
    }

    /// e^x = (hi + lo)·scale for |x| ≤ 110, hi = fl(hi + lo). 1 + r and the final sum are split
    /// exactly (Fast2Sum), so hi carries the one rounding at ulp size and lo what it lost.
    @_transparent @usableFromInline
    static func expParts(_ x: FloatVector) -> (hi: FloatVector, lo: FloatVector, scale: FloatVector) {
        let (r, c, t) = reduceExp(x)
        let (s1, s2, _) = exponentScales(t)
        let a = 1 + r
        // e^(r + c) ≈ e^r + c·(1 + r).
        let lo = expm1Tail(r) + (c * a + ((1 - a) + r))
        let hi = a + lo
        return (hi * s1, ((a - hi) + lo) * s1, s2)
    }

    /// e^x − 1 = (hi + lo)·scale for −30 ≤ x ≤ 100, hi = fl(hi + lo): 2ⁿ·p + (2ⁿ − 1) as
    /// (2^n₁·p + (2^n₁ − 2^−n₂))·2^n₂. 2ⁿ is never formed, so n = 128 (x ≈ 88.5) cannot overflow;
    /// the sums are split exactly, the leading one because |2^n₁ − 2^−n₂| ≥ |r·2^n₁| for n ≠ 0.
    @_transparent @usableFromInline
    static func expm1Parts(_ x: FloatVector) -> (hi: FloatVector, lo: FloatVector, scale: FloatVector) {
        let (r, c, t) = reduceExp(x)
        let (s1, s2, inverseS2) = exponentScales(t)
        // 2^n₁ − 2^−n₂ is inexact once |n| > 24; TwoSum, as either term may be the larger.
        let lead = s1 - inverseS2
        let leadS1 = lead + inverseS2
        let leadLow = (s1 - leadS1) - (inverseS2 + (lead - leadS1))
        let rs = r * s1
        let sum = lead + rs
        let lo = (((lead - sum) + rs) + leadLow) + (expm1Tail(r) + (c + c * r)) * s1
        let hi = sum + lo
        return (hi, (sum - hi) + lo, s2)
    }

    /// ln(1 + x + low) for x > −1 finite, |low| ≤ ulp(x); no special values. u = 1 + x is
    /// reduced as in `log`, and what its rounding lost, δ = (1 + x) − u, reaches the kernel as
    /// the correction δ/u, the classic log1p fix: for tiny x, u = 1 and the result is x + low.
    @_transparent @usableFromInline
    static func log1pKernel(_ x: FloatVector, low: FloatVector) -> FloatVector {
        let u = 1 + x
        // Fast2Sum with the larger operand first: exact.
        let small = (1 - u) + x
        let large = (x - u) + 1
        let delta = small.replacing(with: large, where: x .> 1) + low
        let (f, k, field) = splitLog(u, biasMagic: FloatVector(repeating: 0x1p23 + 127))
        // δ/u = δ·2⁻ᵏ/(1 + f), and 1/(1 + f) ≈ 1 − f + f² is ample for a term below an ulp.
        var scaled = delta * float(bits: 0x7f00_0000 &- field)
        // Past 2²⁵ the term is negligible and 2⁻ᵏ may have wrapped to −inf.
        scaled = scaled.replacing(with: 0, where: x .>= 0x1p25)
        return logKernel(f, k, correction: scaled * ((1 - f) + f * f))
    }

    /// x = 2ᵏ·(1 + f), 1 + f in [√½, √2), for positive normal x, by integer adds on the bits;
    /// k comes out through the 2²³ magic, less `biasMagic` − 2²³. `field` is k's biased
    /// exponent field, for callers that need 2⁻ᵏ.
    @_transparent @usableFromInline
    static func splitLog(_ x: FloatVector, biasMagic: FloatVector)
        -> (f: FloatVector, k: FloatVector, field: UInt32Vector)
    {
        // Adding 1.0's bits minus √½'s moves the binade edge from 1.0 to √½.
        let shifted = bits(x) &+ (0x3f80_0000 &- 0x3f35_04f3)
        let k = float(bits: (shifted &>> 23) | 0x4b00_0000) - biasMagic
        let m = float(bits: (shifted & 0x007f_ffff) &+ 0x3f35_04f3)
        return (m - 1, k, shifted & 0x7f80_0000)
    }

    /// k·ln2 + ln(1 + f) + correction for f in [√½ − 1, √2 − 1], as f − f²/2 + f³·P(f); fit
    /// error 2^−27.4 relative. No division: at float precision a degree-7 P is enough, where
    /// double needs the s = f/(2 + f) form. Small terms are summed first, ln2's exact high last.
    @_transparent @usableFromInline
    static func logKernel(_ f: FloatVector, _ k: FloatVector, correction: FloatVector) -> FloatVector {
        var p = FloatVector(repeating: -0.076368175)
        p = multiplyAdd(p, f, 0.1276508)
        p = multiplyAdd(p, f, -0.13160983)
        p = multiplyAdd(p, f, 0.14201348)
        p = multiplyAdd(p, f, -0.16623239)
        p = multiplyAdd(p, f, 0.2000124)
        p = multiplyAdd(p, f, -0.25000826)
        p = multiplyAdd(p, f, 0.3333333)
        let f2 = f * f
        let tail = (f2 * f) * p + (k * 1.4286068e-6 + correction) - f2 * 0.5
        return (f + tail) + k * 0.693145751953125
    }
}
