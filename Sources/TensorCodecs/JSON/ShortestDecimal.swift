/// The shortest decimal that reads back as a given `Float` or `Double`, and among those the one
/// closest to it (an exact tie takes the even digit) — the digits Swift's `description` prints.
///
/// Method (after Schubfach's candidate selection; the arithmetic and its checks are lossd's own).
/// Let `v = c × 2^e` and `R` the interval of reals that round to `v` (half an ulp either side,
/// a quarter below for a power of two; closed when `c` is even, open when odd, as round-half-even
/// reading requires). Pick `k` so that `R` scaled by `10^−k` has a width in `[1, 10)`. Then the
/// scaled `R` holds at most one multiple of 10 and at least one integer, so:
/// 1. if a multiple of 10 lies in `R`, it is the unique shortest candidate (strip its zeros);
/// 2. otherwise the answer has its last digit at `10^k` and is `⌊v·10^−k⌋` or the next integer,
///    whichever lies in `R` and is nearer to `v` (even on a tie).
///
/// The scaled values are fixed-point products with the truncated powers of five from
/// ``PowersOfFive`` (or, for 1 ≤ k ≤ 27, exact quotients by 5^k), known either exactly — with a
/// sticky bit for what lies below the kept bits, which covers every float32 from about 1e−20 up
/// and nearly every double — or to within a stated error. Each comparison is made only when the
/// whole error interval lies on one side; otherwise the function answers `nil` and the caller
/// prints with the standard library, which defines the expected output. Values whose scaled significand is below
/// 10 (a few of the smallest subnormals) also answer `nil`: there a one-digit candidate and a
/// power of ten can tie in length, which the candidate rule above does not decide.
enum ShortestDecimal {
    /// `v = digits × 10^exponent`.
    struct Decimal: Equatable {
        var digits: UInt64
        var exponent: Int
    }

    /// The shortest-closest decimal of a finite, non-zero `value` (sign ignored), or `nil` when
    /// the approximation cannot decide it.
    @inline(always)
    static func decimal(_ value: Float, _ powers: PowersOfFive) -> Decimal? {
        let bits = value.bitPattern
        let exponentBits = Int(truncatingIfNeeded: (bits >> 23) & 0xFF)
        let fraction = UInt64(bits & 0x7F_FFFF)
        let c = exponentBits == 0 ? fraction : fraction | 1 << 23
        let e = exponentBits == 0 ? -149 : exponentBits &- 150
        // As Swift's printer: the interval is asymmetric for every normal power of two.
        let boundary = fraction == 0 && exponentBits != 0
        let k = boundary ? floorLog10ThreeQuartersPowerOfTwo(e) : floorLog10PowerOfTwo(e)
        let q = -k
        let m = c << 2
        let lowerM = boundary ? m &- 1 : m &- 2
        if q < 0 && q >= -27 {
            return exactQuotients(m, lowerM, e: e, k: k, inclusive: c & 1 == 0)
        }
        // v·10^−k = c·2^e·5^q·2^q; in quarter ulps m = 4c: X(m) = m × T' / 2^j with T' the exact
        // 64-bit-normalised 5^q (the table's high word is ⌊T'⌋, exact for 0 ≤ q ≤ 27).
        let t = powers.high(q)
        let j = -(powers.binaryExponent(q) &+ 64 &+ e &- 2 &+ q)
        guard j > 33 && j < 96 else { return nil }
        // X·2^32 < 2^60 fits one word: drop j − 32 fraction bits. Multiplying m·2^(64 − drop)
        // instead of m puts exactly that word in the product's high half and the dropped bits in
        // its low half, so no wide shifts are needed (m·2^(64 − drop) < 2^26·2^37 fits).
        let drop = j &- 32
        if q >= 0 && q <= 27 && drop >= 27 {
            // The power is exact, so each X is known exactly: keep the dropped bits as a sticky
            // bit below the 32 kept ones. Then for any integer n (a multiple of 2 in these units)
            // X < n, X ≤ n and X = n are the same comparisons on the sticky values.
            let scale = UInt64(64 &- drop)
            @inline(__always)
            func sticky(_ multiplier: UInt64) -> UInt64 {
                let product = (multiplier << scale).multipliedFullWidth(by: t)
                return product.high << 1 | (product.low != 0 ? 1 : 0)
            }
            return selectExact(center: sticky(m), lower: sticky(lowerM), upper: sticky(m &+ 2),
                               open: c & 1, exponent: k)
        }
        let product = UInt128Pair(m.multipliedFullWidth(by: t))
        let halfUlp = UInt128Pair(high: t >> 63, low: t << 1)
        let lowerProduct = product &- (boundary ? UInt128Pair(high: 0, low: t) : halfUlp)
        let upperProduct = product &+ halfUlp
        let narrowDrop = UInt64(drop)
        // A truncated power: each product is short by less than m + 2 before the shift and by
        // more than nothing, so after it the value is strictly inside a few units.
        let error = ((m &+ 2) >> narrowDrop) &+ 2
        @inline(__always)
        func narrowed(_ value: UInt128Pair) -> Approximation<UInt64> {
            Approximation(value.high &<< (64 &- narrowDrop) | value.low >> narrowDrop, error)
        }
        return select(center: narrowed(product), lower: narrowed(lowerProduct), upper: narrowed(upperProduct),
                      fractionBits: 32, inclusive: c & 1 == 0, exponent: k)
    }

    /// Steps 1 and 2 of the method for exactly known values with 33 fraction bits, the last a
    /// sticky bit (set when anything non-zero lies below). Written without data-dependent
    /// branches except the zero-stripping loop: which case applies is close to a coin toss per
    /// value, and a mispredicted branch costs more than computing every candidate.
    @inline(always)
    static func selectExact(center: UInt64, lower: UInt64, upper: UInt64, open: UInt64, exponent k: Int) -> Decimal? {
        let s = center >> 33
        guard s >= 10 else { return nil }
        // n ∈ [lower, upper] is one unsigned comparison, n ∈ (lower, upper) another (the width is
        // at least one unit, 2^33 here, so upper − lower ≥ 2). `open` is 1 for an odd significand.
        let width = upper &- lower &- open &* 2
        @inline(__always)
        func inside(_ n: UInt64) -> UInt64 { (n << 33) &- lower &- open <= width ? 1 : 0 }
        let tens = s / 10 &* 10
        let lowTen = inside(tens)
        let highTen = inside(tens &+ 10)
        let takeLow = inside(s)
        let takeHigh = inside(s &+ 1)
        // Both s and s + 1 inside: the nearer (even on a tie); fraction is v·10^−k − s in these units.
        let fraction = center &- s << 33
        let half: UInt64 = 1 << 32
        let above: UInt64 = fraction > half ? 1 : 0
        let tie: UInt64 = fraction == half ? 1 : 0
        let nearer = s &+ (above | (tie & s & 1))
        let unit = select(takeLow & takeHigh, nearer, select(takeLow, s, s &+ 1))
        // The interval's width is at least one unit, so it holds s or s + 1 (checked exhaustively
        // for float32 by `codec-bench exhaustive-float32`; a branch here would cost more than the rest).
        assert(lowTen | highTen | takeLow | takeHigh != 0)
        // Step 1's multiple of ten, divided by ten and stripped of further zeros — computed whether
        // or not step 1 applies, so the only loop branch is the rarely taken "another zero".
        var shortened = tens / 10 &+ highTen
        var stripped: UInt64 = 1
        while shortened % 10 == 0 {
            shortened /= 10
            stripped &+= 1
        }
        let stepOne = lowTen | highTen
        return Decimal(digits: select(stepOne, shortened, unit), exponent: k &+ Int(truncatingIfNeeded: stripped & (0 &- stepOne)))
    }

    /// The shortest-closest decimal of a finite, non-zero `value` (sign ignored), or `nil` when
    /// the approximation cannot decide it.
    @inline(__always)
    static func decimal(_ value: Double, _ powers: PowersOfFive) -> Decimal? {
        let bits = value.bitPattern
        let exponentBits = Int(truncatingIfNeeded: (bits >> 52) & 0x7FF)
        let fraction = bits & 0xF_FFFF_FFFF_FFFF
        let c = exponentBits == 0 ? fraction : fraction | 1 << 52
        let e = exponentBits == 0 ? -1074 : exponentBits &- 1075
        let boundary = fraction == 0 && exponentBits != 0
        let k = boundary ? floorLog10ThreeQuartersPowerOfTwo(e) : floorLog10PowerOfTwo(e)
        let q = -k
        let m = c << 2
        if q < 0 && q >= -27 {
            return exactQuotients(m, boundary ? m &- 1 : m &- 2, e: e, k: k, inclusive: c & 1 == 0)
        }
        // X(m) = m × T' / 2^(j + 64) with T' the exact 128-bit-normalised 5^q; each endpoint is the
        // top 128 bits of an exact 192-bit product, so it is short by less than 1 (T exact) or 2.
        let th = powers.high(q), tl = powers.low(q)
        let j = -(powers.binaryExponent(q) &+ e &- 2 &+ q) &- 64
        guard j > 32 && j < 96 else { return nil }
        let exactPower = q >= 0 && q <= 55
        let product = Wide192(m, times: th, tl)
        let twice = Wide192(high: 0, middle: th >> 63, low: th << 1 | tl >> 63, lowest: tl << 1)
        let once = Wide192(high: 0, middle: 0, low: th, lowest: tl)
        let lower = product &- (boundary ? once : twice)
        let upper = product &+ twice
        func approximation(_ value: Wide192) -> Approximation<UInt128Pair> {
            Approximation(value.top, exactPower ? (value.lowest == 0 ? 0 : 1) : 2)
        }
        return select(center: approximation(product), lower: approximation(lower), upper: approximation(upper),
                      fractionBits: j, inclusive: c & 1 == 0, exponent: k)
    }

    /// For 1 ≤ k ≤ 27: `X(m) = m·2^(e−2) / 10^k = m·2^(e−2−k) / 5^k` by exact 128/64-bit division,
    /// with one fraction bit. The quotient is exact or short by a fraction of a unit, and every
    /// decision point (integers, halves) is a whole number of units, so nothing stays undecided —
    /// which matters here because large integral values often sit exactly on such points.
    @inline(__always)
    static func exactQuotients(_ m: UInt64, _ lowerM: UInt64, e: Int, k: Int, inclusive: Bool) -> Decimal? {
        // 2^e ≥ ¾·10^k, so e − 2 − k + 1 ≥ 2 for k ≥ 1; and k ≤ 27 keeps e ≤ 93, so the numerator
        // m·2^shift stays below 2^55 · 2^65 = 2^120.
        let shift = e &- 2 &- k &+ 1
        guard shift >= 0 && shift < 72 else { return nil }
        let divisor = powerOfFive(k)
        @inline(__always)
        func quotient(_ n: UInt64) -> Approximation<UInt128Pair> {
            let numerator = UInt128Pair.shifted(n, left: shift)
            let (value, remainder) = divisor.dividingFullWidth((numerator.high, numerator.low))
            return Approximation(UInt128Pair(high: 0, low: value), remainder == 0 ? 0 : 1)
        }
        return select(center: quotient(m), lower: quotient(lowerM), upper: quotient(m &+ 2),
                      fractionBits: 1, inclusive: inclusive, exponent: k)
    }

    /// A fixed-point value: exactly `value` when `error` is 0, otherwise strictly between
    /// `value` and `value + error`.
    struct Approximation<Value: FixedPoint> {
        var value: Value
        var error: UInt64

        @inline(__always)
        init(_ value: Value, _ error: UInt64) {
            self.value = value
            self.error = error
        }

        /// Whether the exact value is at most (or below) `x`: true, false or undecided (nil).
        @inline(__always)
        func isAtMost(_ x: Value, inclusive: Bool) -> Bool? {
            if error == 0 { return inclusive ? value <= x : value < x }
            if x <= value { return false }  // x ≤ value < exact
            if value &+ Value(error) <= x { return true }  // exact < value + error ≤ x
            return nil
        }

        /// Whether the exact value is at least (or above) `x`.
        @inline(__always)
        func isAtLeast(_ x: Value, inclusive: Bool) -> Bool? {
            if error == 0 { return inclusive ? x <= value : x < value }
            if x <= value { return true }  // x ≤ value < exact
            if value &+ Value(error) <= x { return false }
            return nil
        }
    }

    /// Steps 1 and 2 of the method on fixed-point values with `fractionBits` fraction bits.
    @inline(__always)
    static func select<Value: FixedPoint>(center: Approximation<Value>, lower: Approximation<Value>, upper: Approximation<Value>,
                                          fractionBits j: Int, inclusive: Bool, exponent k: Int) -> Decimal? {
        let s = center.value.shiftedRight(j)
        guard s >= 10 else { return nil }
        if center.error > 0 {
            // ⌊center⌋ must not change within the error.
            guard (center.value &+ Value(center.error &- 1)).shiftedRight(j) == s else { return nil }
        }
        // Whether the integer n lies in the interval: true, false or undecided (nil).
        @inline(__always)
        func contains(_ n: UInt64) -> Bool? {
            let x = Value.shifted(n, left: j)
            guard let aboveLower = lower.isAtMost(x, inclusive: inclusive) else { return nil }
            guard aboveLower else { return false }
            return upper.isAtLeast(x, inclusive: inclusive)
        }
        // Step 1: the multiples of ten around s.
        let tens = s / 10 &* 10
        guard let lowTen = contains(tens), let highTen = contains(tens &+ 10) else { return nil }
        if lowTen || highTen {
            guard lowTen != highTen else { return nil }  // cannot happen: the width is below 10
            var digits = lowTen ? tens : tens &+ 10
            var exponent = k
            repeat {
                digits /= 10
                exponent &+= 1
            } while digits % 10 == 0
            return Decimal(digits: digits, exponent: exponent)
        }
        // Step 2: s or s + 1.
        guard let takeLow = contains(s), let takeHigh = contains(s &+ 1) else { return nil }
        switch (takeLow, takeHigh) {
        case (true, false): return Decimal(digits: s, exponent: k)
        case (false, true): return Decimal(digits: s &+ 1, exponent: k)
        case (true, true):
            // Nearer of the two: compare the fraction of v·10^−k with one half.
            let fraction = Approximation(center.value &- Value.shifted(s, left: j), center.error)
            let half = Value.shifted(1, left: j &- 1)
            guard let below = fraction.isAtMost(half, inclusive: false) else { return nil }
            if below { return Decimal(digits: s, exponent: k) }
            guard let above = fraction.isAtLeast(half, inclusive: false) else { return nil }
            if above { return Decimal(digits: s &+ 1, exponent: k) }
            // Exactly one half: the even one.
            return Decimal(digits: s & 1 == 0 ? s : s &+ 1, exponent: k)
        case (false, false):
            return nil  // cannot happen: the width is at least 1
        }
    }

    /// `condition == 1 ? a : b` (condition 0 or 1) by masks, so the optimiser cannot turn it into a branch.
    @inline(__always)
    static func select(_ condition: UInt64, _ a: UInt64, _ b: UInt64) -> UInt64 {
        let mask = 0 &- condition
        return (a & mask) | (b & ~mask)
    }

    /// 5^n for 0 ≤ n ≤ 27 (a switch the optimiser turns into a constant table).
    @inline(__always)
    static func powerOfFive(_ n: Int) -> UInt64 {
        switch n {
        case 0: return 1
        case 1: return 5
        case 2: return 25
        case 3: return 125
        case 4: return 625
        case 5: return 3125
        case 6: return 15625
        case 7: return 78125
        case 8: return 390625
        case 9: return 1953125
        case 10: return 9765625
        case 11: return 48828125
        case 12: return 244140625
        case 13: return 1220703125
        case 14: return 6103515625
        case 15: return 30517578125
        case 16: return 152587890625
        case 17: return 762939453125
        case 18: return 3814697265625
        case 19: return 19073486328125
        case 20: return 95367431640625
        case 21: return 476837158203125
        case 22: return 2384185791015625
        case 23: return 11920928955078125
        case 24: return 59604644775390625
        case 25: return 298023223876953125
        case 26: return 1490116119384765625
        default: return 7_450_580_596_923_828_125
        }
    }

    /// ⌊e·log₁₀2⌋ for |e| ≤ 1100: 1262611 = round(log₁₀2 × 2^22); the closest e·log₁₀2 comes to an
    /// integer in that range (4.5e−4, at e = ±485) is far above the constant's error (8e−5).
    @inline(__always)
    static func floorLog10PowerOfTwo(_ e: Int) -> Int {
        (e &* 1_262_611) >> 22
    }

    /// ⌊log₁₀(¾·2^e)⌋ for |e| ≤ 1100: 524031 = round(log₁₀(4/3) × 2^22). Checked for the whole
    /// range by the unit tests.
    @inline(__always)
    static func floorLog10ThreeQuartersPowerOfTwo(_ e: Int) -> Int {
        (e &* 1_262_611 &- 524_031) >> 22
    }
}

/// An unsigned fixed-point number for ``ShortestDecimal/select(center:lower:upper:fractionBits:inclusive:exponent:)``.
protocol FixedPoint {
    /// A small integer.
    init(_ small: UInt64)
    /// `n × 2^shift` (the caller keeps it in range).
    static func shifted(_ n: UInt64, left shift: Int) -> Self
    /// `⌊self / 2^shift⌋`, which the caller knows fits a word.
    func shiftedRight(_ shift: Int) -> UInt64
    static func &+ (lhs: Self, rhs: Self) -> Self
    static func &- (lhs: Self, rhs: Self) -> Self
    static func < (lhs: Self, rhs: Self) -> Bool
    static func <= (lhs: Self, rhs: Self) -> Bool
}

extension UInt64: FixedPoint {
    @inline(__always)
    static func shifted(_ n: UInt64, left shift: Int) -> UInt64 { n &<< UInt64(shift) }

    @inline(__always)
    func shiftedRight(_ shift: Int) -> UInt64 { self >> UInt64(shift) }
}

/// An unsigned 128-bit integer as two words; only what ``ShortestDecimal`` needs. (The standard
/// library's `UInt128` needs macOS 15, newer than the package's platform floor.)
struct UInt128Pair: Equatable, FixedPoint {
    var high: UInt64
    var low: UInt64

    @inline(__always)
    init(_ small: UInt64) {
        high = 0
        low = small
    }

    @inline(__always)
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    @inline(__always)
    init(_ parts: (high: UInt64, low: UInt64)) {
        high = parts.high
        low = parts.low
    }

    /// `n × 2^shift`, for results below 2^128.
    @inline(__always)
    static func shifted(_ n: UInt64, left shift: Int) -> UInt128Pair {
        if shift >= 64 { return UInt128Pair(high: n &<< UInt64(shift &- 64), low: 0) }
        if shift == 0 { return UInt128Pair(high: 0, low: n) }
        return UInt128Pair(high: n >> UInt64(64 &- shift), low: n &<< UInt64(shift))
    }

    /// `⌊self / 2^shift⌋` for results below 2^64, `0 < shift < 128`.
    @inline(__always)
    func shiftedRight(_ shift: Int) -> UInt64 {
        if shift >= 64 { return high >> UInt64(shift &- 64) }
        return high &<< UInt64(64 &- shift) | low >> UInt64(shift)
    }

    @inline(__always)
    static func &+ (lhs: UInt128Pair, rhs: UInt128Pair) -> UInt128Pair {
        let (low, carry) = lhs.low.addingReportingOverflow(rhs.low)
        return UInt128Pair(high: lhs.high &+ rhs.high &+ (carry ? 1 : 0), low: low)
    }

    @inline(__always)
    static func &- (lhs: UInt128Pair, rhs: UInt128Pair) -> UInt128Pair {
        let (low, borrow) = lhs.low.subtractingReportingOverflow(rhs.low)
        return UInt128Pair(high: lhs.high &- rhs.high &- (borrow ? 1 : 0), low: low)
    }

    @inline(__always)
    static func < (lhs: UInt128Pair, rhs: UInt128Pair) -> Bool {
        lhs.high < rhs.high || (lhs.high == rhs.high && lhs.low < rhs.low)
    }

    @inline(__always)
    static func <= (lhs: UInt128Pair, rhs: UInt128Pair) -> Bool {
        !(rhs < lhs)
    }
}

/// An unsigned 192-bit integer as three words plus the word below them; ``top`` drops `lowest`.
struct Wide192 {
    var high: UInt64
    var middle: UInt64
    var low: UInt64
    var lowest: UInt64

    @inline(__always)
    init(high: UInt64, middle: UInt64, low: UInt64, lowest: UInt64) {
        self.high = high
        self.middle = middle
        self.low = low
        self.lowest = lowest
    }

    /// The exact product `m × (th·2^64 + tl)` (at most 192 bits: `m` < 2^64).
    @inline(__always)
    init(_ m: UInt64, times th: UInt64, _ tl: UInt64) {
        let a = m.multipliedFullWidth(by: th)
        let b = m.multipliedFullWidth(by: tl)
        let (low, carry) = a.low.addingReportingOverflow(b.high)
        self.init(high: 0, middle: a.high &+ (carry ? 1 : 0), low: low, lowest: b.low)
    }

    /// `⌊self / 2^64⌋`, which fits 128 bits here.
    var top: UInt128Pair { UInt128Pair(high: middle, low: low) }

    @inline(__always)
    static func &+ (lhs: Wide192, rhs: Wide192) -> Wide192 {
        let (lowest, c0) = lhs.lowest.addingReportingOverflow(rhs.lowest)
        let (low1, c1) = lhs.low.addingReportingOverflow(rhs.low)
        let (low, c2) = low1.addingReportingOverflow(c0 ? 1 : 0)
        let (middle1, c3) = lhs.middle.addingReportingOverflow(rhs.middle)
        let (middle, c4) = middle1.addingReportingOverflow((c1 || c2) ? 1 : 0)
        return Wide192(high: lhs.high &+ rhs.high &+ ((c3 || c4) ? 1 : 0), middle: middle, low: low, lowest: lowest)
    }

    @inline(__always)
    static func &- (lhs: Wide192, rhs: Wide192) -> Wide192 {
        let (lowest, b0) = lhs.lowest.subtractingReportingOverflow(rhs.lowest)
        let (low1, b1) = lhs.low.subtractingReportingOverflow(rhs.low)
        let (low, b2) = low1.subtractingReportingOverflow(b0 ? 1 : 0)
        let (middle1, b3) = lhs.middle.subtractingReportingOverflow(rhs.middle)
        let (middle, b4) = middle1.subtractingReportingOverflow((b1 || b2) ? 1 : 0)
        return Wide192(high: lhs.high &- rhs.high &- ((b3 || b4) ? 1 : 0), middle: middle, low: low, lowest: lowest)
    }
}
