/// Writes floats in exactly the text Swift's `description` (and `write(to:)`) gives, straight into
/// a byte buffer: ``ShortestDecimal``'s digits laid out by the standard library's rules, with the
/// standard library itself as the fallback when the digits are undecided.
///
/// Layout (Swift's `finishFormatting`), with `d₁d₂…dₙ × 10^e` the shortest digits:
/// - exponential `d₁.d₂…dₙe±XX` (`1e-05`, `3.4028235e+38`, `5e-324`: no `.` for one digit, at
///   least two exponent digits) when `e < −4` or the value is above 2^24 (`Float`) / 2^53 (`Double`)
///   in magnitude;
/// - `0.00d₁…dₙ` when `−4 ≤ e < 0`;
/// - `d₁…d₍e+1₎.d₍e+2₎…dₙ` when the digits reach past the units;
/// - `d₁…dₙ0…0.0` otherwise (`100.0`, `16777216.0`);
/// - `0.0` and `-0.0` for zeros. Non-finite values are the caller's business (JSON has none).
enum FloatPrinter {
    /// Longest output for a `Float` (`-1.1754944e-38` is 14 bytes).
    static var maxFloatLength: Int { 16 }
    /// Longest output for a `Double` (`-2.2250738585072014e-308` is 24 bytes).
    static var maxDoubleLength: Int { 32 }

    /// Writes finite `value` at `out`; returns the byte count.
    /// - Precondition: `value.isFinite`, and `maxFloatLength` bytes of room.
    @inline(always)
    static func write(_ value: Float, to out: UnsafeMutablePointer<UInt8>, _ powers: PowersOfFive) -> Int {
        // From the bits: `value.sign` and `value == 0` compile to a branch on the (random) sign.
        let negative = value.bitPattern >> 31 != 0
        if value.bitPattern << 1 == 0 { return writeZero(negative: negative, to: out) }
        guard let decimal = ShortestDecimal.decimal(value, powers) else {
            return writeWithStandardLibrary(value, to: out)
        }
        return layout(decimal, negative: negative, forceExponential: value.magnitude > 0x1p24, maxDigits: 9, powers, to: out)
    }

    /// Writes finite `value` at `out`; returns the byte count.
    /// - Precondition: `value.isFinite`, and `maxDoubleLength` bytes of room.
    @inline(always)
    static func write(_ value: Double, to out: UnsafeMutablePointer<UInt8>, _ powers: PowersOfFive) -> Int {
        let negative = value.bitPattern >> 63 != 0
        if value.bitPattern << 1 == 0 { return writeZero(negative: negative, to: out) }
        guard let decimal = ShortestDecimal.decimal(value, powers) else {
            return writeWithStandardLibrary(value, to: out)
        }
        return layout(decimal, negative: negative, forceExponential: value.magnitude > 0x1p53, maxDigits: 17, powers, to: out)
    }

    @inline(__always)
    static func writeZero(negative: Bool, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var p = out
        if negative {
            p.pointee = UInt8(ascii: "-")
            p += 1
        }
        p[0] = UInt8(ascii: "0")
        p[1] = UInt8(ascii: ".")
        p[2] = UInt8(ascii: "0")
        return p + 3 - out
    }

    /// The reference: the standard library's own printing, copied into `out`.
    @inline(never)
    static func writeWithStandardLibrary<Value: FloatingPoint & TextOutputStreamable>(_ value: Value, to out: UnsafeMutablePointer<UInt8>) -> Int {
        var sink = CountingSink(out: out)
        value.write(to: &sink)
        return sink.count
    }

    /// Copies what the standard library prints (ASCII, at most 32 bytes for these types) into `out`.
    struct CountingSink: TextOutputStream {
        let out: UnsafeMutablePointer<UInt8>
        var count = 0

        mutating func write(_ string: String) {
            for byte in string.utf8 {
                out[count] = byte
                count += 1
            }
        }

        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            for byte in buffer {
                out[count] = byte
                count += 1
            }
        }
    }

    /// Lays out `digits × 10^exponent` by the rules in the type comment.
    ///
    /// Digits are stored eight at a time, so up to 7 bytes past the returned length may be
    /// overwritten with junk: callers leave ``slack`` bytes of room beyond the maximum length.
    @inline(always)
    static func layout(_ decimal: ShortestDecimal.Decimal, negative: Bool, forceExponential: Bool, maxDigits: Int,
                       _ powers: PowersOfFive, to out: UnsafeMutablePointer<UInt8>) -> Int {
        // The sign without a branch (it is random in a gradient).
        out.pointee = UInt8(ascii: "-")
        var p = out + (negative ? 1 : 0)
        let digits = decimal.digits
        let count = decimalDigitCount(digits, powers)
        // The exponent of the first digit.
        let e = decimal.exponent &+ count &- 1
        if e < -4 || forceExponential {
            // d.ddde±XX: the digits one place right, then the first moved left over the point.
            // (The first digit comes back in a register: reading it from memory right after the
            // wide stores would wait on them.)
            p[0] = writeDigits(digits, count: count, maxDigits: maxDigits, to: p + 1)
            if count > 1 {
                p[1] = UInt8(ascii: ".")
                p += count &+ 1
            } else {
                p += 1
            }
            var magnitude = e
            p[0] = UInt8(ascii: "e")
            if e < 0 {
                p[1] = UInt8(ascii: "-")
                magnitude = -e
            } else {
                p[1] = UInt8(ascii: "+")
            }
            p += 2
            if magnitude > 99 {
                p.pointee = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude / 100)
                p += 1
                magnitude %= 100
            }
            let pair = digitPairs + 2 &* magnitude
            p[0] = pair[0]
            p[1] = pair[1]
            return p + 2 - out
        }
        if e < 0 {
            // 0.000ddd: "0." and −e − 1 zeros (at most 3), stored as one word of '0's first.
            UnsafeMutableRawPointer(p).storeBytes(of: 0x3030_3030_3030_3030 as UInt64, as: UInt64.self)
            p[1] = UInt8(ascii: ".")
            p += 1 &- e
            _ = writeDigits(digits, count: count, maxDigits: maxDigits, to: p)
            return p + count - out
        }
        if e &+ 1 < count {
            // ddd.ddd: the digits one place right, then the integer part moved left over the point.
            _ = writeDigits(digits, count: count, maxDigits: maxDigits, to: p + 1)
            for index in 0...e { p[index] = p[index &+ 1] }
            p[e &+ 1] = UInt8(ascii: ".")
            return p + count + 1 - out
        }
        // ddd000.0
        writeDigits(digits, count: count, maxDigits: maxDigits, to: p)
        p += count
        for _ in 0..<(e &+ 1 &- count) {
            p.pointee = UInt8(ascii: "0")
            p += 1
        }
        p[0] = UInt8(ascii: ".")
        p[1] = UInt8(ascii: "0")
        return p + 2 - out
    }

    /// Bytes past the text that ``layout(_:negative:forceExponential:maxDigits:_:to:)`` may overwrite.
    static var slack: Int { 16 }

    /// Writes exactly `count` decimal digits of `value` at `out`: at most 9 (a float's) with
    /// one eight-digit word, else up to 20.
    @inline(always)
    /// - Returns: The first digit's character.
    @discardableResult
    static func writeDigits(_ value: UInt64, count: Int, maxDigits: Int, to out: UnsafeMutablePointer<UInt8>) -> UInt8 {
        guard maxDigits <= 9 else { return writeDigits(value, count: count, to: out) }
        // The zero-padded 9-digit text: the leading digit, then eight; shifted past the 9 − count
        // leading zeros as a 16-byte little-endian value.
        let leading = value / 100_000_000
        let eight = eightDigits(UInt32(truncatingIfNeeded: value &- leading &* 100_000_000))
        let first = (0x30 &+ leading) | eight << 8
        let second = eight >> 56
        let shift = UInt64(8 &* (9 &- count))  // 0…64
        let small = shift & 63
        let shiftedLow = first >> small | (second << 1) << (63 &- small)
        let raw = UnsafeMutableRawPointer(out)
        let firstWord = shift >= 64 ? second : shiftedLow
        raw.storeBytes(of: firstWord, toByteOffset: 0, as: UInt64.self)
        raw.storeBytes(of: shift >= 64 ? 0 : second >> small, toByteOffset: 8, as: UInt64.self)
        return UInt8(truncatingIfNeeded: firstWord)
    }

    /// Writes exactly `count` (1…20) decimal digits of `value` at `out`; may overwrite up to 15
    /// bytes after them. Up to 16 digits take no data-dependent branch: the zero-padded 16-digit
    /// text is built in two words and shifted right past its leading zeros.
    @inline(always)
    @discardableResult
    static func writeDigits(_ value: UInt64, count: Int, to out: UnsafeMutablePointer<UInt8>) -> UInt8 {
        var raw = UnsafeMutableRawPointer(out)
        var rest = value
        var remaining = count
        if remaining > 16 {
            // 17–20 digits (doubles only): the leading 1–4 digits first, one at a time.
            let leading = remaining &- 16
            var divisor: UInt64 = 10_000_000_000_000_000
            for _ in 1..<leading { divisor &*= 10 }
            for _ in 0..<leading {
                let digit = rest / divisor
                raw.storeBytes(of: UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: digit), as: UInt8.self)
                raw += 1
                rest &-= digit &* divisor
                divisor /= 10
            }
            remaining = 16
        }
        let high = rest / 100_000_000
        let low = UInt32(truncatingIfNeeded: rest &- high &* 100_000_000)
        let first = eightDigits(UInt32(truncatingIfNeeded: high))
        let second = eightDigits(low)
        // Drop 16 − remaining leading bytes from the 16-byte little-endian text first:second, as
        // selects rather than branches; (x << 1) << (63 − n) is x << (64 − n) without a shift by 64.
        let shift = UInt64(8 &* (16 &- remaining))
        let small = shift & 63
        let shiftedHigh = second >> small
        let shiftedLow = first >> small | (second << 1) << (63 &- small)
        let wide = shift >= 64
        raw.storeBytes(of: wide ? shiftedHigh : shiftedLow, toByteOffset: 0, as: UInt64.self)
        raw.storeBytes(of: wide ? 0 : shiftedHigh, toByteOffset: 8, as: UInt64.self)
        return out.pointee
    }

    /// The eight ASCII digits of `n` < 10^8 (leading zeros included) as a little-endian word:
    /// the first digit in the low byte. Splits into halves of 4 digits, pairs, then single digits,
    /// all lanes at once; each division by 100 or 10 is a multiply and shift exact in its range
    /// (x·5243 >> 19 = ⌊x/100⌋ for x < 43699; y·103 >> 10 = ⌊y/10⌋ for y < 179).
    @inline(always)
    static func eightDigits(_ n: UInt32) -> UInt64 {
        let halves = UInt64(n / 10_000) | UInt64(n % 10_000) << 32
        let hundreds = ((halves &* 5243) >> 19) & 0x0000_007F_0000_007F
        let pairs = hundreds | (halves &- hundreds &* 100) << 16
        let tens = ((pairs &* 103) >> 10) & 0x000F_000F_000F_000F
        let singles = tens | (pairs &- tens &* 10) << 8
        return singles &+ 0x3030_3030_3030_3030
    }

    /// "00" "01" … "99" as one static string.
    @inline(__always)
    static var digitPairs: UnsafePointer<UInt8> {
        ("00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899" as StaticString).utf8Start
    }

    /// The number of decimal digits of `value` (at least 1): ⌊log₁₀⌋ estimated from the bit
    /// length (1233/4096 ≈ log₁₀2, never above it), corrected by one table comparison.
    @inline(always)
    static func decimalDigitCount(_ value: UInt64, _ powers: PowersOfFive) -> Int {
        let bits = 64 &- (value | 1).leadingZeroBitCount
        let estimate = (bits &* 1233) >> 12
        return estimate &+ (value >= powers.powersOfTen[estimate] ? 1 : 0)
    }

    /// 10^n for 0 ≤ n ≤ 19 (a switch the optimiser turns into a constant table).
    @inline(__always)
    static func powerOfTen(_ n: Int) -> UInt64 {
        switch n {
        case 0: return 1
        case 1: return 10
        case 2: return 100
        case 3: return 1000
        case 4: return 10000
        case 5: return 100000
        case 6: return 1000000
        case 7: return 10000000
        case 8: return 100000000
        case 9: return 1000000000
        case 10: return 10000000000
        case 11: return 100000000000
        case 12: return 1000000000000
        case 13: return 10000000000000
        case 14: return 100000000000000
        case 15: return 1000000000000000
        case 16: return 10000000000000000
        case 17: return 100000000000000000
        case 18: return 1000000000000000000
        default: return 10_000_000_000_000_000_000
        }
    }
}
