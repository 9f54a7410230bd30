/// 5^q for q in ``minimum``…``maximum`` as 128-bit normalised significands, computed once at
/// first use with exact integer arithmetic.
///
/// Entry q holds `T = ⌊5^q × 2^−e⌋` with `e` chosen so that `2^127 ≤ T < 2^128`, split into
/// ``high(_:)`` and ``low(_:)`` words, and the binary exponent `e` (``binaryExponent(_:)``), so that
/// `5^q = (T + δ) × 2^e` with `0 ≤ δ < 1`: the significand is truncated, never rounded up, and
/// `δ = 0` exactly when `0 ≤ q ≤ 55` (`5^55 < 2^128`). `e` equals `⌊q·log₂5⌋ − 127`.
///
/// Both directions of the float ↔ decimal conversions use it: the Eisel–Lemire parser multiplies
/// a decimal significand by 5^q, the shortest-digits printer multiplies a binary significand by
/// 5^−k (a power of ten is a power of five times a power of two, which only moves the exponent).
///
/// Construction: positive powers by repeated multiplication by 5 of a multi-word integer, taking
/// the top 128 bits; negative powers by repeated division by 5 of the integer 2^1024, which gives
/// `⌊2^1024 / 5^n⌋` exactly (nested floors of exact divisions compose), whose top 128 bits are
/// `⌊2^b / 5^n⌋` for the `b` that normalises it. No table is pasted from elsewhere; the unit tests
/// check entries against independent computations.
final class PowersOfFive: @unchecked Sendable {
    /// The most negative exponent with an entry. Decimal values below 10^−342 with at most 19
    /// significant digits are below half the smallest subnormal double.
    static let minimum = -350
    /// The largest exponent with an entry (the printer needs 10^324 for the smallest subnormals).
    static let maximum = 350

    /// The table, built on first use (thread-safe lazy global).
    static let shared = PowersOfFive()

    /// `[high, low]` words, entry `q` at index `2 × (q − minimum)`. Immutable after init; never freed.
    let words: UnsafeMutablePointer<UInt64>
    /// Binary exponent per entry, at index `q − minimum`.
    let exponents: UnsafeMutablePointer<Int32>
    /// 10^0 … 10^19, for counting digits with one load (the printer's hot path).
    let powersOfTen: UnsafeMutablePointer<UInt64>

    private init() {
        let count = Self.maximum - Self.minimum + 1
        words = .allocate(capacity: 2 * count)
        exponents = .allocate(capacity: count)
        powersOfTen = .allocate(capacity: 20)
        var ten: UInt64 = 1
        for n in 0..<20 {
            powersOfTen[n] = ten
            ten &*= 10
        }

        // q ≥ 0: 5^q grows by one multiplication per step.
        var power = WideInteger(1)
        for q in 0...Self.maximum {
            store(q, top: power.top128(), bitLength: power.bitLength)
            power.multiply(by: 5)
        }
        // q < 0: ⌊2^1024 / 5^n⌋ shrinks by one division per step. 2^1024 / 5^350 still has
        // 1024 − 813 = 211 bits, more than the 128 taken.
        var reciprocal = WideInteger(powerOfTwo: 1024)
        for n in 1...(-Self.minimum) {
            reciprocal.divide(by: 5)
            let (top, bits) = (reciprocal.top128(), reciprocal.bitLength)
            // reciprocal ≈ 2^1024 / 5^n, so 5^−n = reciprocal × 2^−1024 = top × 2^(bits − 128 − 1024).
            let index = -n - Self.minimum
            words[2 * index] = top.high
            words[2 * index + 1] = top.low
            exponents[index] = Int32(bits - 128 - 1024)
        }
    }

    private func store(_ q: Int, top: (high: UInt64, low: UInt64), bitLength: Int) {
        let index = q - Self.minimum
        words[2 * index] = top.high
        words[2 * index + 1] = top.low
        // 5^q = top × 2^(bitLength − 128) (truncated when bitLength > 128).
        exponents[index] = Int32(bitLength - 128)
    }

    /// The high 64 bits of entry `q` (itself the truncated 64-bit normalised significand of 5^q).
    @inline(__always)
    func high(_ q: Int) -> UInt64 { words[2 &* (q &- Self.minimum)] }

    /// The low 64 bits of entry `q`.
    @inline(__always)
    func low(_ q: Int) -> UInt64 { words[2 &* (q &- Self.minimum) &+ 1] }

    /// `e` with `5^q ≈ T × 2^e` for the 128-bit `T`.
    @inline(__always)
    func binaryExponent(_ q: Int) -> Int { Int(exponents[q &- Self.minimum]) }
}

/// A non-negative integer of a few hundred bits, little-endian 64-bit words; only what building
/// ``PowersOfFive`` needs.
struct WideInteger {
    private(set) var words: [UInt64]

    init(_ value: UInt64) { words = [value] }

    init(powerOfTwo exponent: Int) {
        words = [UInt64](repeating: 0, count: exponent / 64 + 1)
        words[exponent / 64] = 1 << UInt64(exponent % 64)
    }

    var bitLength: Int {
        guard let index = words.lastIndex(where: { $0 != 0 }) else { return 0 }
        return index * 64 + 64 - words[index].leadingZeroBitCount
    }

    mutating func multiply(by factor: UInt64) {
        var carry: UInt64 = 0
        for index in words.indices {
            let (high, low) = words[index].multipliedFullWidth(by: factor)
            let (sum, overflow) = low.addingReportingOverflow(carry)
            words[index] = sum
            carry = high &+ (overflow ? 1 : 0)
        }
        if carry != 0 { words.append(carry) }
    }

    /// Replaces the value by ⌊value / divisor⌋.
    mutating func divide(by divisor: UInt64) {
        var remainder: UInt64 = 0
        for index in words.indices.reversed() {
            let (quotient, rest) = divisor.dividingFullWidth((remainder, words[index]))
            words[index] = quotient
            remainder = rest
        }
        while words.count > 1, words.last == 0 { words.removeLast() }
    }

    /// ⌊value / 2^(bitLength − 128)⌋ when the value has more than 128 bits, else value × 2^(128 − bitLength).
    func top128() -> (high: UInt64, low: UInt64) {
        let length = bitLength
        precondition(length > 0)
        // Bits [length − 128, length) as two words; bits below 0 read as zero (a left shift).
        func bit64(from start: Int) -> UInt64 {
            var result: UInt64 = 0
            for offset in 0..<64 {
                let position = start + offset
                guard position >= 0 else { continue }
                let word = position / 64
                guard word < words.count else { continue }
                if words[word] >> UInt64(position % 64) & 1 == 1 { result |= 1 << UInt64(offset) }
            }
            return result
        }
        return (bit64(from: length - 64), bit64(from: length - 128))
    }
}
