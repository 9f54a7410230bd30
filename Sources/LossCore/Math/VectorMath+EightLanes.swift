// Eight-lane entry points for an AVX-512 build, where `FloatVector` has sixteen lanes.
//
// The softmax kernels work on 8×8 tiles of logits, and callers outside the kernels (tests, a
// Swift training program) may hold `SIMD8<Float>`; in a sixteen-lane build these run the
// sixteen-lane function on the eight lanes twice over and keep the low half — the same math and
// the same instruction count as an eight-lane AVX2 build. In an eight-lane build `FloatVector`
// is `SIMD8<Float>` and the functions in VectorMath+Float.swift are these.

#if LOSSD_WIDE_VECTORS
extension VectorMath {
    /// `x` twice over, as one sixteen-lane vector.
    @_transparent @usableFromInline
    static func doubled(_ x: SIMD8<Float>) -> FloatVector { FloatVector(lowHalf: x, highHalf: x) }

    /// eˣ of eight lanes (see ``exp(_:)-(FloatVector)``).
    @_transparent
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> { exp(doubled(x)).lowHalf }

    /// eˣ − 1 of eight lanes.
    @_transparent
    public static func expm1(_ x: SIMD8<Float>) -> SIMD8<Float> { expm1(doubled(x)).lowHalf }

    /// ln x of eight lanes.
    @_transparent
    public static func log(_ x: SIMD8<Float>) -> SIMD8<Float> { log(doubled(x)).lowHalf }

    /// ln(1 + x) of eight lanes.
    @_transparent
    public static func log1p(_ x: SIMD8<Float>) -> SIMD8<Float> { log1p(doubled(x)).lowHalf }

    /// σ(x) of eight lanes.
    @_transparent
    public static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { sigmoid(doubled(x)).lowHalf }

    /// ln(1 + eˣ) of eight lanes.
    @_transparent
    public static func softplus(_ x: SIMD8<Float>) -> SIMD8<Float> { softplus(doubled(x)).lowHalf }

    /// tanh x of eight lanes.
    @_transparent
    public static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> { tanh(doubled(x)).lowHalf }

    /// e^−a of eight non-negative lanes (see ``expOfNegativeMagnitude(_:)-(FloatVector)``).
    @_transparent
    public static func expOfNegativeMagnitude(_ a: SIMD8<Float>) -> SIMD8<Float> {
        expOfNegativeMagnitude(doubled(a)).lowHalf
    }

    /// ln(1 + z) of eight lanes in [0, 1], given 1/(1 + z).
    @_transparent
    public static func log1pOfUnit(_ z: SIMD8<Float>, reciprocal: SIMD8<Float>) -> SIMD8<Float> {
        log1pOfUnit(doubled(z), reciprocal: doubled(reciprocal)).lowHalf
    }
}
#endif
