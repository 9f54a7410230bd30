/// A tensor element type that the float32 SIMD kernels read in place, in its wire dtype.
///
/// Targets, masks and weights arrive as uint8, bool, int32, int64 or float32; a kernel reads them
/// one ``FloatVector`` at a time straight from the tensor's storage and widens them in registers,
/// so no converted copy of the tensor is ever made. float64 targets are not conforming: narrowing
/// them to float32 would change PyTorch's promotion rules, so those requests take the Double
/// reference path.
public protocol TargetScalar: Sendable {
    /// ``FloatVector/lanes`` elements starting at `base + index`, as float32.
    static func vector(_ base: UnsafePointer<Self>, _ index: Int) -> FloatVector
    /// One element, as float32.
    static func scalar(_ base: UnsafePointer<Self>, _ index: Int) -> Float
}

// The integer loads are written as lane loops on purpose: LLVM turns the loop into one widening
// load and convert (punpck + cvtdq2ps on SSE2, vpmovzxbd/vcvtqq2ps on AVX2/AVX-512), inline,
// whereas the stdlib's generic SIMD conversions (`FloatVector(Int32Vector(truncatingIfNeeded:))`)
// stayed out-of-line calls in the large kernel loops (callgrind: 16 instructions and a call per
// vector).

extension Float: TargetScalar {
    /// One vector of floats, loaded unaligned.
    @_transparent
    public static func vector(_ base: UnsafePointer<Float>, _ index: Int) -> FloatVector {
        UnsafeRawPointer(base + index).loadUnaligned(as: FloatVector.self)
    }
    /// The element itself.
    @_transparent
    public static func scalar(_ base: UnsafePointer<Float>, _ index: Int) -> Float { base[index] }
}

extension UInt8: TargetScalar {
    /// One vector of bytes, widened in registers.
    @_transparent
    public static func vector(_ base: UnsafePointer<UInt8>, _ index: Int) -> FloatVector {
        var lanes = FloatVector()
        for lane in 0..<FloatVector.scalarCount { lanes[lane] = Float(base[index &+ lane]) }
        return lanes
    }
    /// The byte as a float.
    @_transparent
    public static func scalar(_ base: UnsafePointer<UInt8>, _ index: Int) -> Float { Float(base[index]) }
}

extension Bool: TargetScalar {
    /// One vector of booleans, read as the bytes 0 and 1 Swift stores them as.
    @_transparent
    public static func vector(_ base: UnsafePointer<Bool>, _ index: Int) -> FloatVector {
        UnsafeRawPointer(base).withMemoryRebound(to: UInt8.self, capacity: index + FloatVector.scalarCount) {
            UInt8.vector($0, index)
        }
    }
    /// 1 for true, 0 for false.
    @_transparent
    public static func scalar(_ base: UnsafePointer<Bool>, _ index: Int) -> Float { base[index] ? 1 : 0 }
}

extension Int32: TargetScalar {
    /// One vector of integers, converted lane-wise (cvtdq2ps).
    @_transparent
    public static func vector(_ base: UnsafePointer<Int32>, _ index: Int) -> FloatVector {
        var lanes = FloatVector()
        for lane in 0..<FloatVector.scalarCount { lanes[lane] = Float(base[index &+ lane]) }
        return lanes
    }
    /// The integer as a float.
    @_transparent
    public static func scalar(_ base: UnsafePointer<Int32>, _ index: Int) -> Float { Float(base[index]) }
}

extension Int64: TargetScalar {
    /// One vector of integers: a packed conversion with AVX-512DQ, scalar conversions before it —
    /// still no copy of the tensor.
    @_transparent
    public static func vector(_ base: UnsafePointer<Int64>, _ index: Int) -> FloatVector {
        var lanes = FloatVector()
        for lane in 0..<FloatVector.scalarCount { lanes[lane] = Float(base[index &+ lane]) }
        return lanes
    }
    /// The integer as a float.
    @_transparent
    public static func scalar(_ base: UnsafePointer<Int64>, _ index: Int) -> Float { Float(base[index]) }
}

extension TargetScalar {
    /// `count` (fewer than a vector) elements from `base + index`, the remaining lanes `padding`.
    @_transparent @usableFromInline
    static func partial(_ base: UnsafePointer<Self>, _ index: Int, count: Int, padding: Float = 0) -> FloatVector {
        var lanes = FloatVector(repeating: padding)
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

extension TargetScalar {
    /// Eight elements from `base + index`, for the kernels laid out in 8-lane tiles (softmax
    /// rows, Lovász keys) whatever ``FloatVector``'s width.
    @_transparent @usableFromInline
    static func eight(_ base: UnsafePointer<Self>, _ index: Int) -> SIMD8<Float> {
        #if LOSSD_WIDE_VECTORS
        var lanes = SIMD8<Float>()
        for lane in 0..<8 { lanes[lane] = scalar(base, index &+ lane) }
        return lanes
        #else
        return vector(base, index)
        #endif
    }

    /// `count` (< 8) elements from `base + index`, the remaining lanes `padding`.
    @_transparent @usableFromInline
    static func partialEight(_ base: UnsafePointer<Self>, _ index: Int, count: Int, padding: Float = 0) -> SIMD8<Float> {
        var lanes = SIMD8<Float>(repeating: padding)
        for lane in 0..<count { lanes[lane] = scalar(base, index + lane) }
        return lanes
    }
}
