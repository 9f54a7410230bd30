#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The C math functions the classification kernels use, in `Double`.
///
/// Collected here so the kernel files need no platform imports of their own.
enum ClassMath {
    /// eˣ.
    @inline(__always) static func exp(_ x: Double) -> Double { libmExp(x) }
    /// Natural logarithm.
    @inline(__always) static func log(_ x: Double) -> Double { libmLog(x) }
    /// log(1 + x), accurate near 0.
    @inline(__always) static func log1p(_ x: Double) -> Double { libmLog1p(x) }
    /// eˣ − 1, accurate near 0.
    @inline(__always) static func expm1(_ x: Double) -> Double { libmExpm1(x) }
    /// xʸ.
    @inline(__always) static func pow(_ x: Double, _ y: Double) -> Double { libmPow(x, y) }

    /// log σ(x) = −log(1 + e^{−x}), stable for large |x|.
    @inline(__always) static func logSigmoid(_ x: Double) -> Double {
        x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x))
    }

    /// σ(x), stable for large |x|.
    @inline(__always) static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }
}

// File-scope forwarders: inside `ClassMath` the unqualified names would resolve to its own members.
@inline(__always) private func libmExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func libmLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func libmExpm1(_ x: Double) -> Double { expm1(x) }
@inline(__always) private func libmPow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
