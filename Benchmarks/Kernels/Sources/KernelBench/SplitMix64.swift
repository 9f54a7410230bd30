#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A tiny seeded generator, so every run times the same numbers.
///
/// `torch_bench.py` reproduces this sequence with NumPy (`splitmix64` there), so lossd and
/// PyTorch see bit-identical workloads and their loss values can be compared.
struct SplitMix64 {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    init(seed: UInt64) { state = seed }

    /// The seed of one workload: FNV-1a (64-bit) of `"<loss>:<elements>"`.
    static func seed(loss: String, elements: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in "\(loss):\(elements)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal (Box–Muller on two draws; the second value of the pair is discarded).
    mutating func nextGaussian() -> Double {
        let u = max(nextUnit(), 0x1.0p-53)
        let v = nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}
