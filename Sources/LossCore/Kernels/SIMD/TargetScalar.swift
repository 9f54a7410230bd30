/// A tensor element type that the float32 SIMD kernels read in place, in its wire dtype.
///
/// Targets, masks and weights arrive as uint8, bool, int32, int64 or float32; a kernel reads them
/// eight at a time straight from the tensor's storage and widens them in registers, so no
/// converted copy of the tensor is ever made. float64 targets are not conforming: narrowing them
/// to float32 would change PyTorch's promotion rules, so those requests take the Double reference path.
public protocol TargetScalar: Sendable {
    /// Eight elements starting at `base + index`, as float32.
    static func vector(_ base: UnsafePointer<Self>, _ index: Int) -> SIMD8<Float>
    /// One element, as float32.
    static func scalar(_ base: UnsafePointer<Self>, _ index: Int) -> Float
}

extension Float: TargetScalar {
    /// Eight floats, loaded unaligned.
    @inlinable @inline(__always)
    public static func vector(_ base: UnsafePointer<Float>, _ index: Int) -> SIMD8<Float> {
        UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Float>.self)
    }
    /// The element itself.
    @inlinable @inline(__always)
    public static func scalar(_ base: UnsafePointer<Float>, _ index: Int) -> Float { base[index] }
}

extension UInt8: TargetScalar {
    /// Eight bytes widened through Int32 (one unpack and one convert per four lanes).
    @inlinable @inline(__always)
    public static func vector(_ base: UnsafePointer<UInt8>, _ index: Int) -> SIMD8<Float> {
        let bytes = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<UInt8>.self)
        return SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes))
    }
    /// The byte as a float.
    @inlinable @inline(__always)
    public static func scalar(_ base: UnsafePointer<UInt8>, _ index: Int) -> Float { Float(base[index]) }
}

extension Bool: TargetScalar {
    /// Eight booleans, read as the bytes 0 and 1 Swift stores them as.
    @inlinable @inline(__always)
    public static func vector(_ base: UnsafePointer<Bool>, _ index: Int) -> SIMD8<Float> {
        let bytes = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<UInt8>.self)
        return SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes))
    }
    /// 1 for true, 0 for false.
    @inlinable @inline(__always)
    public static func scalar(_ base: UnsafePointer<Bool>, _ index: Int) -> Float { base[index] ? 1 : 0 }
}

extension Int32: TargetScalar {
    /// Eight integers converted lane-wise (cvtdq2ps).
    @inlinable @inline(__always)
    public static func vector(_ base: UnsafePointer<Int32>, _ index: Int) -> SIMD8<Float> {
        SIMD8<Float>(UnsafeRawPointer(base + index).loadUnaligned(as: SIMD8<Int32>.self))
    }
    /// The integer as a float.
    @inlinable @inline(__always)
    public static func scalar(_ base: UnsafePointer<Int32>, _ index: Int) -> Float { Float(base[index]) }
}

extension Int64: TargetScalar {
    /// Eight integers; x86-64 before AVX-512 has no packed int64 → float conversion, so this is
    /// eight scalar conversions — still no copy of the tensor.
    @inlinable @inline(__always)
    public static func vector(_ base: UnsafePointer<Int64>, _ index: Int) -> SIMD8<Float> {
        let p = base + index
        return SIMD8<Float>(Float(p[0]), Float(p[1]), Float(p[2]), Float(p[3]),
                            Float(p[4]), Float(p[5]), Float(p[6]), Float(p[7]))
    }
    /// The integer as a float.
    @inlinable @inline(__always)
    public static func scalar(_ base: UnsafePointer<Int64>, _ index: Int) -> Float { Float(base[index]) }
}

extension TargetScalar {
    /// `count` (< 8) elements from `base + index`, the remaining lanes `padding`.
    @inlinable @inline(__always)
    static func partial(_ base: UnsafePointer<Self>, _ index: Int, count: Int, padding: Float = 0) -> SIMD8<Float> {
        var lanes = SIMD8<Float>(repeating: padding)
        for lane in 0..<count { lanes[lane] = scalar(base, index + lane) }
        return lanes
    }
}

/// A kernel that runs on a tensor's elements in whatever ``TargetScalar`` type they are stored as.
///
/// Swift has no generic closures, so a kernel is a value with one generic method; the switch in
/// ``Tensor/visitElements(_:)`` calls it with the concrete element type, and the optimiser
/// specialises the kernel once per dtype.
public protocol ElementVisitor {
    /// What the kernel produces.
    associatedtype Output
    /// Runs the kernel on `elements`.
    func visit<S: TargetScalar>(_ elements: UnsafeBufferPointer<S>) throws(LossError) -> Output
}

extension Tensor {
    /// Runs `visitor` on this tensor's storage in place, or returns `nil` for a dtype the float32
    /// kernels do not read directly (float64, float16, bfloat16).
    /// - Parameter visitor: The kernel.
    @inlinable
    public func visitElements<V: ElementVisitor>(_ visitor: V) throws(LossError) -> V.Output? {
        switch storage {
        case .float32(let a): return try a.withUnsafeBufferPointer { (b) throws(LossError) in try visitor.visit(b) }
        case .uint8(let a): return try a.withUnsafeBufferPointer { (b) throws(LossError) in try visitor.visit(b) }
        case .bool(let a): return try a.withUnsafeBufferPointer { (b) throws(LossError) in try visitor.visit(b) }
        case .int32(let a): return try a.withUnsafeBufferPointer { (b) throws(LossError) in try visitor.visit(b) }
        case .int64(let a): return try a.withUnsafeBufferPointer { (b) throws(LossError) in try visitor.visit(b) }
        case .float64, .float16, .bfloat16: return nil
        }
    }
}
