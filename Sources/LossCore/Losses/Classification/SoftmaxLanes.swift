/// Small lane helpers of ``SoftmaxIndexSIMD``. Types are spelled out: an unannotated `SIMD8()`
/// can make the type checker pick the stdlib's generic lane-by-lane operators.
enum SoftmaxLanes {
    /// Lane-wise max (a NaN in `b` is passed over; one in `a` stays).
    @inline(__always)
    static func max(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> { a.replacing(with: b, where: b .> a) }

    /// e^a and e^b: one sixteen-lane exponential in an AVX-512 build (two eight-lane ones otherwise),
    /// so the class loop there costs half the instructions.
    @_transparent
    static func exp(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
        #if LOSSD_WIDE_VECTORS
        let e = VectorMath.exp(FloatVector(lowHalf: a, highHalf: b))
        return (e.lowHalf, e.highHalf)
        #else
        return (VectorMath.exp(a), VectorMath.exp(b))
        #endif
    }

    /// Eight class indices from `t + i` as float32, exactly (valid indices are below 2²²).
    ///
    /// int32 and byte targets are widened with bit tricks: the stdlib's generic SIMD conversions,
    /// which ``TargetScalar`` uses, are not always inlined into a kernel this size and then run
    /// lane by lane through a call.
    @inline(__always)
    static func labels<S: TargetScalar>(_ t: UnsafePointer<S>, _ i: Int) -> SIMD8<Float> {
        let magic = SIMD8<UInt32>(repeating: 0x4B00_0000)  // 2²³ as a float, low mantissa bits free
        if S.self == Int32.self {
            // v = hi·2¹⁶ + lo with both halves exact through the 2²³ magic; one rounding at the end.
            let v = UnsafeRawPointer(t + i).loadUnaligned(as: SIMD8<Int32>.self)
            let low = unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0xFFFF | magic, to: SIMD8<Float>.self) - 0x1p23
            let high = unsafeBitCast(unsafeBitCast((v &>> 16) &+ 0x8000, to: SIMD8<UInt32>.self) | magic, to: SIMD8<Float>.self)
                - (0x1p23 + 0x8000)
            return high * 0x1p16 + low
        }
        if S.self == UInt8.self || S.self == Bool.self {
            let p = UnsafeRawPointer(t + i)
            let bytes = SIMD8<UInt32>(UInt32(p.load(fromByteOffset: 0, as: UInt8.self)), UInt32(p.load(fromByteOffset: 1, as: UInt8.self)),
                                      UInt32(p.load(fromByteOffset: 2, as: UInt8.self)), UInt32(p.load(fromByteOffset: 3, as: UInt8.self)),
                                      UInt32(p.load(fromByteOffset: 4, as: UInt8.self)), UInt32(p.load(fromByteOffset: 5, as: UInt8.self)),
                                      UInt32(p.load(fromByteOffset: 6, as: UInt8.self)), UInt32(p.load(fromByteOffset: 7, as: UInt8.self)))
            return unsafeBitCast(bytes | magic, to: SIMD8<Float>.self) - 0x1p23
        }
        return S.eight(t, i)
    }

    /// Transposes the 8 × 8 floats at `source` (row-major, rows 32 bytes apart) into `destination`,
    /// as four 4 × 4 blocks of unpack shuffles.
    @inline(__always)
    static func transpose8(_ source: UnsafeRawPointer, into destination: UnsafeMutableRawPointer) {
        transpose4(source, destination, from: 0, to: 0)
        transpose4(source, destination, from: 16, to: 128)
        transpose4(source, destination, from: 128, to: 16)
        transpose4(source, destination, from: 144, to: 144)
    }

    /// The 4 × 4 block at byte `from` of `source`, transposed to byte `to` of `destination` (rows 32 bytes apart).
    @inline(__always)
    static func transpose4(_ source: UnsafeRawPointer, _ destination: UnsafeMutableRawPointer, from: Int, to: Int) {
        let a = source.loadUnaligned(fromByteOffset: from, as: SIMD4<Float>.self)
        let b = source.loadUnaligned(fromByteOffset: from + 32, as: SIMD4<Float>.self)
        let c = source.loadUnaligned(fromByteOffset: from + 64, as: SIMD4<Float>.self)
        let d = source.loadUnaligned(fromByteOffset: from + 96, as: SIMD4<Float>.self)
        let ab01 = SIMD4<Float>(a[0], b[0], a[1], b[1]), cd01 = SIMD4<Float>(c[0], d[0], c[1], d[1])
        let ab23 = SIMD4<Float>(a[2], b[2], a[3], b[3]), cd23 = SIMD4<Float>(c[2], d[2], c[3], d[3])
        destination.storeBytes(of: SIMD4<Float>(lowHalf: ab01.lowHalf, highHalf: cd01.lowHalf), toByteOffset: to, as: SIMD4<Float>.self)
        destination.storeBytes(of: SIMD4<Float>(lowHalf: ab01.highHalf, highHalf: cd01.highHalf), toByteOffset: to + 32, as: SIMD4<Float>.self)
        destination.storeBytes(of: SIMD4<Float>(lowHalf: ab23.lowHalf, highHalf: cd23.lowHalf), toByteOffset: to + 64, as: SIMD4<Float>.self)
        destination.storeBytes(of: SIMD4<Float>(lowHalf: ab23.highHalf, highHalf: cd23.highHalf), toByteOffset: to + 96, as: SIMD4<Float>.self)
    }

    /// Lanes `0..<count`.
    @inline(__always)
    static func lanes(_ count: Int) -> SIMDMask<SIMD8<Int32>> {
        SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) .< Int32(truncatingIfNeeded: count)
    }

    /// `count` (≤ 8) floats `stride` apart from `p`, the other lanes `padding`.
    @inline(__always)
    static func load(_ p: UnsafePointer<Float>, stride: Int, count: Int, padding: Float) -> SIMD8<Float> {
        if count == 8 {
            if stride == 1 { return UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
            return SIMD8<Float>(p[0], p[stride], p[2 &* stride], p[3 &* stride],
                                p[4 &* stride], p[5 &* stride], p[6 &* stride], p[7 &* stride])
        }
        // Through a buffer: inserting lanes one by one would spill and reload the vector each time.
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 8) { buffer in
            buffer.initialize(repeating: padding)
            for lane in 0..<count { buffer[lane] = p[lane &* stride] }
            return UnsafeRawPointer(buffer.baseAddress!).loadUnaligned(as: SIMD8<Float>.self)
        }
    }

    /// Stores the first `count` (≤ 8) lanes of `v`, `stride` apart from `p`.
    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, stride: Int = 1, count: Int) {
        if count == 8 && stride == 1 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self); return }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 8) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).storeBytes(of: v, as: SIMD8<Float>.self)
            for lane in 0..<count { p[lane &* stride] = buffer[lane] }
        }
    }
}
