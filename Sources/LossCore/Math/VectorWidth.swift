// The lane count of the float32 kernels, fixed when LossCore is compiled.
//
// Sixteen lanes when the build targets AVX-512 (Package.swift defines LOSSD_WIDE_VECTORS): one
// zmm register per vector, so every kernel instruction does twice the work of an AVX2 build.
// Eight otherwise: two SSE2 registers or one AVX2 register per vector; sixteen there would need
// four SSE2 registers per value and spill. Kernels are written once against these names.

#if LOSSD_WIDE_VECTORS
/// One float32 kernel vector: 16 lanes in an AVX-512 build, 8 otherwise.
public typealias FloatVector = SIMD16<Float>
/// The bit patterns of a ``FloatVector``.
public typealias UInt32Vector = SIMD16<UInt32>
/// Signed 32-bit lanes of a ``FloatVector``'s width.
public typealias Int32Vector = SIMD16<Int32>
/// Double lanes of a ``FloatVector``'s width: the per-lane accumulators of the float32 kernels.
public typealias DoubleVector = SIMD16<Double>
/// Bytes of a ``FloatVector``'s width: one load of a uint8 or bool mask.
public typealias ByteVector = SIMD16<UInt8>
#else
/// One float32 kernel vector: 16 lanes in an AVX-512 build, 8 otherwise.
public typealias FloatVector = SIMD8<Float>
/// The bit patterns of a ``FloatVector``.
public typealias UInt32Vector = SIMD8<UInt32>
/// Signed 32-bit lanes of a ``FloatVector``'s width.
public typealias Int32Vector = SIMD8<Int32>
/// Double lanes of a ``FloatVector``'s width: the per-lane accumulators of the float32 kernels.
public typealias DoubleVector = SIMD8<Double>
/// Bytes of a ``FloatVector``'s width: one load of a uint8 or bool mask.
public typealias ByteVector = SIMD8<UInt8>
#endif

extension SIMD where Self == FloatVector {
    /// Lanes per float32 kernel vector (8 or 16).
    @inlinable
    public static var lanes: Int { FloatVector.scalarCount }

    /// 0, 1, 2, … in lane order, for masking the tail of a buffer.
    @_transparent
    public static var laneNumbers: FloatVector {
        var numbers = FloatVector()
        for lane in 0..<FloatVector.scalarCount { numbers[lane] = Float(lane) }
        return numbers
    }

    /// A mask of the first `count` lanes — a float compare, since the stdlib's integer SIMD
    /// comparisons compile lane by lane.
    @_transparent
    public static func firstLanes(_ count: Int) -> SIMDMask<Int32Vector> {
        laneNumbers .< Float(count)
    }
}

/// The lanes of `v` as Double: the step from a float32 kernel's per-vector values to its Double
/// accumulators.
///
/// A lane loop, which LLVM turns into inline `cvtps2pd`s; the stdlib's generic conversion
/// initialiser (`SIMD8<Double>(v)`) stayed an out-of-line call in the large kernel loops
/// (perf: 16 % of mse's time in an AVX-512 build).
@_transparent
public func widened(_ v: SIMD8<Float>) -> SIMD8<Double> {
    var lanes = SIMD8<Double>()
    for lane in 0..<8 { lanes[lane] = Double(v[lane]) }
    return lanes
}

/// The lanes of `v` as Double (see ``widened(_:)-(SIMD8<Float>)``).
@_transparent
public func widened(_ v: SIMD16<Float>) -> SIMD16<Double> {
    var lanes = SIMD16<Double>()
    for lane in 0..<16 { lanes[lane] = Double(v[lane]) }
    return lanes
}

// a·b + c for the polynomial steps of the kernels. Swift never contracts `a * b + c` into a
// fused multiply-add by itself, so on an FMA build a Horner step would stay a multiply and a
// dependent add (perf: the degree-7 log polynomial was the hottest chain of bce_with_logits).
// Package.swift defines LOSSD_FMA only when the target CPU has FMA: without it `addingProduct`
// would become a libm `fmaf` call per lane.

/// a·b + c: fused (one rounding) on an FMA build, a multiply then an add otherwise.
@_transparent
public func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>) -> SIMD8<Float> {
    #if LOSSD_FMA
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

/// a·b + c with a scalar c (see ``multiplyAdd(_:_:_:)-(SIMD8<Float>,_,_)``).
@_transparent
public func multiplyAdd(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: Float) -> SIMD8<Float> {
    multiplyAdd(a, b, SIMD8(repeating: c))
}

/// a·b + c: fused (one rounding) on an FMA build, a multiply then an add otherwise.
@_transparent
public func multiplyAdd(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: SIMD16<Float>) -> SIMD16<Float> {
    #if LOSSD_FMA
    return c.addingProduct(a, b)
    #else
    return a * b + c
    #endif
}

/// a·b + c with a scalar c.
@_transparent
public func multiplyAdd(_ a: SIMD16<Float>, _ b: SIMD16<Float>, _ c: Float) -> SIMD16<Float> {
    multiplyAdd(a, b, SIMD16(repeating: c))
}

/// How the float32 kernels were compiled, for start-up logs and benchmark reports.
public enum KernelBuild {
    /// Lanes per float32 kernel vector: 16 in an AVX-512 build, 8 otherwise.
    public static let lanes = FloatVector.scalarCount
    /// Whether the kernels' polynomials use fused multiply-adds (the target CPU has FMA).
    public static let fusedMultiplyAdd: Bool = {
        #if LOSSD_FMA
        return true
        #else
        return false
        #endif
    }()
    /// For example `16-lane float32 vectors, FMA`.
    public static var summary: String {
        "\(lanes)-lane float32 vectors, \(fusedMultiplyAdd ? "FMA" : "no FMA")"
    }
}
