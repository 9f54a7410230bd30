// The float64 range reductions and polynomials behind VectorMath+Double.swift. Coefficients
// are weighted-minimax (Remez) fits made for this library; each fit error is quoted. Nothing
// here handles special values: the public functions clamp and mask around these.

extension VectorMath {
    /// Cody–Waite reduction x = n·ln2 + r + c, |r| ≤ ln2/2, c the rounding error of r.
    /// Also returns t = n + 1.5·2⁵², whose low mantissa bits hold n: the magic add rounds to an
    /// integer without the float→int conversion the stdlib would do lane by lane.
    @_transparent @usableFromInline
    static func reduceExp(_ x: SIMD4<Double>)
        -> (r: SIMD4<Double>, c: SIMD4<Double>, t: SIMD4<Double>)
    {
        let t = x * 1.4426950408889634 + 6_755_399_441_055_744
        let n = t - 6_755_399_441_055_744
        // hi = ln2 rounded to 32 bits, so n·hi and x − n·hi are exact for |n| < 2²¹.
        let high = x - n * 0.6931471806019545
        let low = n * -4.2009150726810846e-11
        let r = high - low
        return (r, (high - r) - low, t)
    }

    /// 2^n₁, 2^n₂ and 2^−n₂ with n₁ = ⌊n/2⌋, n₂ = n − n₁, shifted into the exponent field.
    /// n is carried with a bias of 2048 so that unsigned shifts act as arithmetic ones. Applying
    /// 2ⁿ in two halves keeps each factor normal for n = ±1100 and rounds a denormal once.
    @_transparent @usableFromInline
    static func exponentScales(_ t: SIMD4<Double>)
        -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)
    {
        let biased = bits(t) &- (0x4338_0000_0000_0000 &- 2048)  // n + 2048
        let half = biased &>> 1  // n₁ + 1024
        let s1 = double(bits: (half &- 1) &<< 52)
        let s2 = double(bits: (biased &- half &- 1) &<< 52)
        let inverseS2 = double(bits: (2047 &+ half &- biased) &<< 52)
        return (s1, s2, inverseS2)
    }

    /// e^r − 1 − r = r²/2 + r³·q(r) on |r| ≤ 0.347; error 2^−61.7 relative to e^r − 1.
    @_transparent @usableFromInline
    static func expm1Tail(_ r: SIMD4<Double>) -> SIMD4<Double> {
        var q = SIMD4<Double>(repeating: 2.0878915341177774e-09)
        q = q * r + 2.5108814997575375e-08
        q = q * r + 2.755738735626999e-07
        q = q * r + 2.7557244958139726e-06
        q = q * r + 2.480158719751388e-05
        q = q * r + 0.000198412698852404
        q = q * r + 0.0013888888888943156
        q = q * r + 0.008333333333322058
        q = q * r + 0.041666666666666574
        q = q * r + 0.16666666666666677
        return (r * r) * (q * r + 0.5)
    }

    /// e^x = (hi + lo)·scale for |x| ≤ 760, hi = fl(hi + lo). 1 + r and the final sum are split
    /// exactly (Fast2Sum), so hi carries the one rounding at ulp size and lo what it lost.
    @_transparent @usableFromInline
    static func expParts(_ x: SIMD4<Double>)
        -> (hi: SIMD4<Double>, lo: SIMD4<Double>, scale: SIMD4<Double>)
    {
        let (r, c, t) = reduceExp(x)
        let (s1, s2, _) = exponentScales(t)
        let a = 1 + r
        // e^(r + c) ≈ e^r + c·(1 + r).
        let lo = expm1Tail(r) + (c * a + ((1 - a) + r))
        let hi = a + lo
        return (hi * s1, ((a - hi) + lo) * s1, s2)
    }

    /// e^x − 1 = (hi + lo)·scale for −40 ≤ x ≤ 720, hi = fl(hi + lo): 2ⁿ·p + (2ⁿ − 1) as
    /// (2^n₁·p + (2^n₁ − 2^−n₂))·2^n₂. 2ⁿ is never formed, so n = 1024 cannot overflow; the
    /// sums are split exactly, the leading one because |2^n₁ − 2^−n₂| ≥ |r·2^n₁| for n ≠ 0.
    @_transparent @usableFromInline
    static func expm1Parts(_ x: SIMD4<Double>)
        -> (hi: SIMD4<Double>, lo: SIMD4<Double>, scale: SIMD4<Double>)
    {
        let (r, c, t) = reduceExp(x)
        let (s1, s2, inverseS2) = exponentScales(t)
        // 2^n₁ − 2^−n₂ is inexact once |n| > 53; TwoSum, as either term may be the larger.
        let lead = s1 - inverseS2
        let leadS1 = lead + inverseS2
        let leadLow = (s1 - leadS1) - (inverseS2 + (lead - leadS1))
        let rs = r * s1
        let sum = lead + rs
        let lo = (((lead - sum) + rs) + leadLow) + (expm1Tail(r) + (c + c * r)) * s1
        let hi = sum + lo
        return (hi, (sum - hi) + lo, s2)
    }

    /// x = 2ᵏ·(1 + f), 1 + f in [√½, √2), for positive normal x, by integer adds on the bits;
    /// k comes out through the 2⁵² magic, less `biasMagic` − 2⁵². `field` is k's biased
    /// exponent field, for callers that need 2⁻ᵏ.
    @_transparent @usableFromInline
    static func splitLog(_ x: SIMD4<Double>, biasMagic: SIMD4<Double>)
        -> (f: SIMD4<Double>, k: SIMD4<Double>, field: SIMD4<UInt64>)
    {
        // Adding 1.0's bits minus √½'s moves the binade edge from 1.0 to √½.
        let shifted = bits(x) &+ (0x3ff0_0000_0000_0000 &- 0x3fe6_a09e_667f_3bcd)
        let k = double(bits: (shifted &>> 52) | 0x4330_0000_0000_0000) - biasMagic
        let m = double(bits: (shifted & 0x000f_ffff_ffff_ffff) &+ 0x3fe6_a09e_667f_3bcd)
        return (m - 1, k, shifted & 0x7ff0_0000_0000_0000)
    }

    /// k·ln2 + ln(1 + f) + correction, as k·ln2 + f − f²/2 + s·(f²/2 + R(s²)), s = f/(2 + f).
    /// The division's rounding only reaches the small s·(…) term; R's error is 2^−59.5 of the
    /// result. Small terms are summed first and ln2's exact high part last.
    @_transparent @usableFromInline
    static func logKernel(_ f: SIMD4<Double>, _ k: SIMD4<Double>, correction: SIMD4<Double>)
        -> SIMD4<Double>
    {
        let s = f / (f + 2)
        let z = s * s
        var c = SIMD4<Double>(repeating: 0.14797196305892107)
        c = c * z + 0.15313932698199573
        c = c * z + 0.18183568657118365
        c = c * z + 0.2222219849542944
        c = c * z + 0.2857142874308761
        c = c * z + 0.3999999999941181
        c = c * z + 0.6666666666666735
        let halfSquare = (f * f) * 0.5
        let tail = s * (halfSquare + z * c) + (k * -4.2009150726810846e-11 + correction)
        return k * 0.6931471806019545 - ((halfSquare - tail) - f)
    }

    /// ln(1 + x + low) for x > −1 finite, |low| ≤ ulp(x): no special values. u = 1 + x is
    /// reduced as in `log`, and what its rounding lost, δ = (1 + x) − u, goes to the kernel as a
    /// correction δ/u, the classic log1p fix; `low` rides along in δ.
    @_transparent @usableFromInline
    static func log1pKernel(_ x: SIMD4<Double>, low: SIMD4<Double>) -> SIMD4<Double> {
        let u = 1 + x
        // Fast2Sum with the larger operand first: exact.
        let small = (1 - u) + x
        let large = (x - u) + 1
        let delta = small.replacing(with: large, where: x .> 1) + low
        let (f, k, field) = splitLog(u, biasMagic: SIMD4(repeating: 0x1p52 + 1023))
        // δ/u = δ·2⁻ᵏ/(1 + f), and 1/(1 + f) ≈ 1 − f + f² is ample for a term below an ulp.
        var scaled = delta * double(bits: 0x7fe0_0000_0000_0000 &- field)
        // Past 2⁵⁴ the term is negligible and 2⁻ᵏ may have wrapped to −inf.
        scaled = scaled.replacing(with: 0, where: x .>= 0x1p54)
        return logKernel(f, k, correction: scaled * ((1 - f) + f * f))
    }
}
