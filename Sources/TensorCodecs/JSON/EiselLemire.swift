/// Correctly rounded `w × 10^q` as a `Double` by the Eisel–Lemire method: one or two 64×64→128-bit
/// products of the normalised decimal significand with the truncated 128-bit significand of 5^q
/// (``PowersOfFive``), and an explicit proof obligation checked at run time instead of a table of
/// exceptions.
///
/// Why it is correct. Write `w' = w × 2^lz` (top bit set) and `5^q = (T + δ) × 2^e`, `0 ≤ δ < 1`.
/// The exact value is `Y × 2^(64 + e + q − lz)` with `Y = w'(T + δ) / 2^64`. Using only the high word
/// of `T`, the 128-bit product `A = w' × T_high` satisfies `A ≤ Y < A + 2^64 + 1`; adding the
/// second product's high word gives `P ≤ Y < P + 2`. Rounding to nearest-even depends only on the
/// bits of `Y` above the rounding position (the 53 significand bits and the round bit) and on
/// whether anything below the round bit is non-zero. If the approximation's bits below the round
/// bit, `ρ`, satisfy `1 ≤ ρ` and `ρ + error < 2^r` (`r` = number of bits below the round bit), then
/// `Y` has the same bits above the round bit and a non-zero remainder — so the rounding is fully
/// determined and never a tie. Otherwise (`Y` within the error of a rounding boundary, or exactly
/// on one — exact ties and exactly representable products) the function answers `nil` and the
/// caller takes the exact slow path. Truncated inputs (more than 19 digits) are handled by the
/// caller by converting `w` and `w + 1`: rounding is monotonic, so equal answers are the answer.
enum EiselLemire {
    /// The nearest `Double` to `w × 10^q` (positive), or `nil` when this method cannot prove the
    /// rounding (the caller must convert exactly) or the value overflows.
    /// - Precondition: `w != 0`.
    @inline(__always)
    static func double(_ w: UInt64, _ q: Int, _ powers: PowersOfFive) -> Double? {
        // 10^19 × 10^−343 = 10^−324 is below half the smallest subnormal (2^−1075 ≈ 2.47e−324).
        if q < -342 { return 0 }
        // w ≥ 1, so anything from 10^309 up overflows; the exact path reports it.
        if q > 308 { return nil }
        let leadingZeros = w.leadingZeroBitCount
        let normalised = w &<< UInt64(leadingZeros)
        let product = normalised.multipliedFullWidth(by: powers.high(q))
        let scale = 64 &+ powers.binaryExponent(q) &+ q &- leadingZeros
        if let bits = round(high: product.high, low: product.low, error: .oneWordAndOne, scale: scale) {
            return Double(bitPattern: bits)
        }
        // Refine with the low word of 5^q: P = A + ⌊w' × T_low / 2^64⌋, error below 2.
        let second = normalised.multipliedFullWidth(by: powers.low(q))
        let (low, carry) = product.low.addingReportingOverflow(second.high)
        let high = product.high &+ (carry ? 1 : 0)
        guard let bits = round(high: high, low: low, error: .two, scale: scale) else { return nil }
        return Double(bitPattern: bits)
    }

    /// How far above the 128-bit approximation `high:low` the exact value may be.
    enum ApproximationError {
        /// Less than 2^64 + 1 (only the high word of 5^q was used).
        case oneWordAndOne
        /// Less than 2.
        case two
    }

    /// The bit pattern of the double nearest `Y × 2^scale`, where `Y` is the 128-bit value
    /// `high:low` plus an unknown amount in `[0, error)`, or `nil` if that amount could change it.
    @inline(__always)
    static func round(high: UInt64, low: UInt64, error: ApproximationError, scale: Int) -> UInt64? {
        // Y ≥ 2^126 (w' ≥ 2^63 and T ≥ 2^127), so high has its top bit at 63 or 62.
        let upper = Int(high >> 63)
        // 54 bits (53 + round bit) taken from the top leave this many below them.
        var below = 73 &+ upper
        // value ≈ (Y >> below) × 2^(below + scale); the double's unit is 2^(exponent) with a
        // 53-bit significand: exponent = below + 1 + scale.
        let exponent = below &+ 1 &+ scale
        var biased = exponent &+ 1075
        if biased < 1 {
            // Subnormal: the unit is 2^−1074, so the round bit moves up by 1 − biased places.
            below = below &+ (1 &- biased)
            guard below <= 127 else { return nil }
            biased = 0
        }
        // Split Y at `below`: mantissa-with-round-bit above, remainder ρ = rest:low below.
        let highShift = below &- 64  // 9…63
        let restMask = (UInt64(1) &<< UInt64(highShift)) &- 1
        let rest = high & restMask
        // ρ ≥ 1.
        guard rest | low != 0 else { return nil }
        // ρ + error < 2^below.
        switch error {
        case .oneWordAndOne:
            guard rest <= restMask &- 2 else { return nil }
        case .two:
            guard rest < restMask || low <= UInt64.max &- 2 else { return nil }
        }
        let withRoundBit = high >> UInt64(highShift)
        // The remainder below the round bit is non-zero, so this is never a tie: round half up.
        var significand = (withRoundBit &+ (withRoundBit & 1)) >> 1
        if biased == 0 {
            // A subnormal's bit pattern is its significand; rounding up to 2^52 gives the
            // smallest normal's pattern by itself.
            return significand
        }
        if significand == 1 << 53 {
            significand = 1 << 52
            biased &+= 1
        }
        guard biased < 0x7FF else { return nil }
        return UInt64(biased) << 52 | (significand & ((1 << 52) - 1))
    }
}
