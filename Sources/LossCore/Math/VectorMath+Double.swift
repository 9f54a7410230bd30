// The float64 functions on four lanes, for the paths that must agree with PyTorch float64. Same
// algorithms as the float32 ones with 52-bit constants and longer polynomials (in
// VectorMath+DoubleKernels.swift); everything here is special values and the final assembly.

extension VectorMath {
    /// e^x for each lane.
    ///
    /// Overflows to +inf above ≈ 709.78 and underflows gradually (denormal results rounded once),
    /// reaching 0 below ≈ −745.13. exp(−inf) = 0, exp(+inf) = +inf, NaN propagates.
    /// - Parameter x: Exponents.
    /// - Returns: e^x, within the bound in ``VectorMath``'s table.
    @_transparent
    public static func exp(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // The clamp keeps n in [−1100, 1040], where both halves of 2ⁿ stay normal; beyond it the
        // result is already 0 or +inf and the last multiply produces it.
        let xc = x.replacing(with: 720, where: x .> 720).replacing(with: -760, where: x .< -760)
        let parts = expParts(xc)
        // hi is e^x/2^n₂ already rounded; this multiply only rounds again into the denormals.
        return parts.hi * parts.scale
    }

    /// e^x − 1 for each lane, without the cancellation of exp(x) − 1 near 0.
    ///
    /// expm1(±0) = ±0, expm1(−inf) = −1, expm1(+inf) = +inf, NaN propagates.
    /// - Parameter x: Exponents.
    /// - Returns: e^x − 1, within the bound in ``VectorMath``'s table.
    @_transparent
    public static func expm1(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // Below −40 the result rounds to −1; the clamp keeps 2^−n₂ inside the exponent range.
        let xc = x.replacing(with: 720, where: x .> 720).replacing(with: -40, where: x .< -40)
        let parts = expm1Parts(xc)
        // The kernel turns −0 into +0; restore the sign of zero.
        return (parts.hi * parts.scale).replacing(with: x, where: x .== 0)
    }

    /// Natural logarithm of each lane.
    ///
    /// log(±0) = −inf, log(x < 0) = NaN, log(+inf) = +inf, NaN propagates; denormal inputs are
    /// exact (scaled by 2⁵⁴ before the exponent is read).
    /// - Parameter x: Positive arguments.
    /// - Returns: ln x, within the bound in ``VectorMath``'s table.
    @_transparent
    public static func log(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // Zero and negatives take the denormal path too, harmlessly: they are overwritten below.
        let tiny = x .< 0x1p-1022
        let xs = x.replacing(with: x * 0x1p54, where: tiny)
        let biasMagic = SIMD4<Double>(repeating: 0x1p52 + 1023).replacing(with: 0x1p52 + 1077, where: tiny)
        let (f, k, _) = splitLog(xs, biasMagic: biasMagic)
        // −0 is the additive identity the optimiser may drop, so "no correction" costs nothing.
        var y = logKernel(f, k, correction: SIMD4(repeating: -0.0))
        y = y.replacing(with: -.infinity, where: x .== 0)
        y = y.replacing(with: .infinity, where: x .== .infinity)
        // `!(x >= 0)` holds for negatives and for NaN, whose exponent field gave a finite y.
        return y.replacing(with: .nan, where: .!(x .>= 0))
    }

    /// ln(1 + x) for each lane, accurate for tiny x where 1 + x rounds to 1.
    ///
    /// log1p(±0) = ±0, log1p(−1) = −inf, log1p(x < −1) = NaN, log1p(+inf) = +inf, NaN propagates.
    /// - Parameter x: Arguments ≥ −1.
    /// - Returns: ln(1 + x), within the bound in ``VectorMath``'s table.
    @_transparent
    public static func log1p(_ x: SIMD4<Double>) -> SIMD4<Double> {
        var y = log1pKernel(x, low: SIMD4(repeating: -0.0))
        y = y.replacing(with: x, where: x .== 0)
        y = y.replacing(with: -.infinity, where: x .== -1)
        y = y.replacing(with: .infinity, where: x .== .infinity)
        return y.replacing(with: .nan, where: .!(x .>= -1))
    }

    /// The logistic function 1 / (1 + e^−x) for each lane.
    ///
    /// Relative accuracy holds in both tails: for x ≪ 0 the result is e^x/(1 + e^x) ≈ e^x, into
    /// the denormals (0 below ≈ −745.13). sigmoid(+inf) = 1, sigmoid(−inf) = 0, NaN propagates.
    /// - Parameter x: Logits.
    /// - Returns: σ(x), within the bound in ``VectorMath``'s table.
    @_transparent
    public static func sigmoid(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // e = e^−|x| never overflows; σ = 1/(1 + e) for x ≥ 0, e/(1 + e) for x < 0.
        let a = magnitude(x)
        let (hi, lo, scale) = expParts(a.replacing(with: 760, where: a .> 760) * -1)
        let e = hi * scale, eLow = lo * scale
        let d = 1 + e
        let dLow = ((1 - d) + e) + eLow  // 1 + e + eLow = d + dLow, Fast2Sum as 1 ≥ e
        let negative = x .< 0
        let q = SIMD4<Double>(repeating: 1).replacing(with: e, where: negative) / d
        // First-order correction for eLow and dLow: y = q + (numerator's low − q·dLow)/d, where
        // 1/d = q for x ≥ 0 and ≈ 1 − q for x < 0. Without it the roundings stack to 2.2 ulp.
        let inverse = q.replacing(with: 1 - q, where: negative)
        let numeratorLow = SIMD4<Double>(repeating: 0).replacing(with: eLow, where: negative)
        return q + (numeratorLow - q * dLow) * inverse
    }

    /// softplus(x) = ln(1 + e^x) for each lane, as max(x, 0) + log1p(e^−|x|).
    ///
    /// For x ≪ 0 the result is ≈ e^x with full relative accuracy, into the denormals (0 below
    /// ≈ −745.13); from x ≈ 33.3 it is x. softplus(+inf) = +inf, softplus(−inf) = 0, NaN
    /// propagates.
    /// - Parameter x: Arguments.
    /// - Returns: ln(1 + e^x), within the bound in ``VectorMath``'s table.
    @_transparent
    public static func softplus(_ x: SIMD4<Double>) -> SIMD4<Double> {
        let a = magnitude(x)
        let (hi, lo, scale) = expParts(a.replacing(with: 760, where: a .> 760) * -1)
        // e ∈ [0, 1] is log1pKernel's domain, and e's low part rides along; the kernel's one
        // special case, e = 0, gives 0 there as it should.
        let l = log1pKernel(hi * scale, low: lo * scale)
        // replacing, not pointwiseMax: a comparison is false for NaN, so NaN survives.
        return x.replacing(with: 0, where: x .< 0) + l
    }

    /// Hyperbolic tangent of each lane, as sign(x)·t/(t + 2) with t = expm1(2|x|).
    ///
    /// expm1 keeps small |x| accurate (no 1 − e^−2x cancellation). tanh(±0) = ±0,
    /// tanh(±inf) = ±1, NaN propagates.
    /// - Parameter x: Arguments.
    /// - Returns: tanh x, within the bound in ``VectorMath``'s table.
    @_transparent
    public static func tanh(_ x: SIMD4<Double>) -> SIMD4<Double> {
        // tanh rounds to 1 from |x| ≈ 19.06; the clamp keeps t finite.
        var a = magnitude(x)
        a = a.replacing(with: 22, where: a .> 22)
        let (hi, lo, scale) = expm1Parts(a + a)
        let t = hi * scale, tLow = lo * scale
        // TwoSum (t may exceed 2): t + tLow + 2 = d + dLow.
        let d = t + 2
        let dt = d - t
        let dLow = ((t - (d - dt)) + (2 - dt)) + tLow
        let q = t / d
        // y = q + (tLow − q·dLow)/d with 1/d = (1 − q)/2, as in sigmoid.
        let y = q + (tLow - q * dLow) * ((1 - q) * 0.5)
        return double(bits: bits(y) | (bits(x) & 0x8000_0000_0000_0000))
    }
}
