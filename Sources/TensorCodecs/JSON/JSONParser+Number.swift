extension JSONParser {
    /// A number literal as scanned: `±significand × 10^exponent`, exact unless `truncated`.
    struct DecimalLiteral {
        /// The first (at most) 19 significant digits as an integer.
        var significand: UInt64
        /// The decimal exponent applying to `significand`.
        var exponent: Int
        var negative: Bool
        /// Neither fraction nor exponent (`12`, `-0`; not `1.0` or `1e2`).
        var integral: Bool
        /// Digits after the 19th significant one were dropped and at least one was not zero:
        /// the value lies strictly between `significand` and `significand + 1` (× 10^exponent).
        var truncated: Bool
        /// Offset of the literal's first byte.
        var start: Int
    }

    /// Scans one number literal at `position` and converts it to the nearest `Double`.
    /// - Returns: The value and whether the literal had neither fraction nor exponent.
    @inline(__always)
    mutating func parseNumber() throws(JSONParseError) -> (value: Double, integral: Bool) {
        let literal = try scanNumber()
        return (try doubleValue(of: literal), literal.integral)
    }

    /// Reads the literal at `position` (which holds `-` or a digit), enforcing RFC 8259's grammar,
    /// and leaves `position` after it. Eight fraction digits at a time are read as one word.
    @inline(__always)
    mutating func scanNumber() throws(JSONParseError) -> DecimalLiteral {
        let start = position
        let base = input.baseAddress!
        let end = input.count
        var p = position
        var negative = false
        if base[p] == UInt8(ascii: "-") {
            negative = true
            p &+= 1
        }
        let digitsStart = p
        var significand: UInt64 = 0
        guard p < end, base[p] &- 0x30 < 10 else {
            position = p
            throw numberError(at: p, "expected a digit after '-'")
        }
        if base[p] == UInt8(ascii: "0") {
            p &+= 1
            if p < end, base[p] &- 0x30 < 10 {
                position = p
                throw JSONParseError(.invalidNumber, at: start, "leading zeros are not allowed in numbers")
            }
        } else {
            while p < end, case let digit = base[p] &- 0x30, digit < 10 {
                significand = significand &* 10 &+ UInt64(digit)
                p &+= 1
            }
        }
        let integerDigits = p &- digitsStart
        var fractionDigits = 0
        var integral = true
        if p < end, base[p] == UInt8(ascii: ".") {
            integral = false
            p &+= 1
            let fractionStart = p
            while p &+ 8 <= end {
                let word = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
                guard Self.isEightDigits(word) else { break }
                significand = significand &* 100_000_000 &+ Self.eightDigitsValue(word)
                p &+= 8
            }
            while p < end, case let digit = base[p] &- 0x30, digit < 10 {
                significand = significand &* 10 &+ UInt64(digit)
                p &+= 1
            }
            fractionDigits = p &- fractionStart
            guard fractionDigits > 0 else {
                position = p
                throw numberError(at: p, "expected a digit after '.'")
            }
        }
        var explicitExponent = 0
        if p < end, base[p] | 0x20 == UInt8(ascii: "e") {
            integral = false
            p &+= 1
            var exponentNegative = false
            if p < end, base[p] == UInt8(ascii: "-") || base[p] == UInt8(ascii: "+") {
                exponentNegative = base[p] == UInt8(ascii: "-")
                p &+= 1
            }
            guard p < end, base[p] &- 0x30 < 10 else {
                position = p
                throw numberError(at: p, "expected a digit in the exponent")
            }
            while p < end, case let digit = base[p] &- 0x30, digit < 10 {
                // Saturate: anything past 10^5 is already zero or infinity.
                if explicitExponent < 100_000 { explicitExponent = explicitExponent &* 10 &+ Int(digit) }
                p &+= 1
            }
            if exponentNegative { explicitExponent = -explicitExponent }
        }
        position = p
        var literal = DecimalLiteral(significand: significand, exponent: explicitExponent &- fractionDigits,
                                     negative: negative, integral: integral, truncated: false, start: start)
        if integerDigits &+ fractionDigits > 19 {
            truncateSignificand(&literal, digitsStart: digitsStart, integerDigits: integerDigits, fractionDigits: fractionDigits)
        }
        return literal
    }

    /// More than 19 digits were read (and `significand` wrapped): recounts without leading zeros
    /// and, if more than 19 significant digits remain, keeps the first 19 and notes whether a
    /// non-zero digit was dropped.
    private func truncateSignificand(_ literal: inout DecimalLiteral, digitsStart: Int, integerDigits: Int, fractionDigits: Int) {
        let base = input.baseAddress!
        let fractionStart = digitsStart &+ integerDigits &+ 1
        // The n-th digit of the literal (integer digits, then fraction digits, skipping the '.').
        func digit(_ n: Int) -> UInt8 {
            base[n < integerDigits ? digitsStart &+ n : fractionStart &+ (n &- integerDigits)] &- 0x30
        }
        let total = integerDigits &+ fractionDigits
        var first = 0
        while first < total, digit(first) == 0 { first &+= 1 }
        let significant = total &- first
        guard significant > 19 else { return }  // Leading zeros only: the wrapped value is exact.
        var significand: UInt64 = 0
        for n in first..<first &+ 19 { significand = significand &* 10 &+ UInt64(digit(n)) }
        var dropped = false
        for n in first &+ 19..<total where digit(n) != 0 {
            dropped = true
            break
        }
        literal.significand = significand
        literal.exponent = literal.exponent &+ (significant &- 19)
        literal.truncated = dropped
    }

    /// Whether the eight bytes of `word` (little-endian) are all ASCII digits.
    @inline(__always)
    static func isEightDigits(_ word: UInt64) -> Bool {
        // High nibble 3, and adding 6 keeps it 3 (so the low nibble is at most 9).
        (word & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030
            && ((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030
    }

    /// The value of eight ASCII digits loaded little-endian (first digit in the low byte).
    @inline(__always)
    static func eightDigitsValue(_ word: UInt64) -> UInt64 {
        let digits = word &- 0x3030_3030_3030_3030
        // Byte 2i becomes 10·d(2i) + d(2i+1) (at most 99, so no carry between bytes).
        let pairs = (digits &* 10 &+ (digits >> 8)) & 0x00FF_00FF_00FF_00FF
        // 16-bit lane 2i becomes 100·pair(2i) + pair(2i+1) (at most 9999).
        let quads = (pairs &* 100 &+ (pairs >> 16)) & 0x0000_FFFF_0000_FFFF
        return (quads & 0xFFFF_FFFF) &* 10_000 &+ (quads >> 32)
    }

    /// The nearest `Double` to the literal: Clinger's exact fast path, then Eisel–Lemire, then the
    /// C library's correctly rounded conversion for what neither can prove.
    @inline(__always)
    func doubleValue(of literal: DecimalLiteral) throws(JSONParseError) -> Double {
        let w = literal.significand
        if w == 0 { return literal.negative ? -0.0 : 0.0 }
        let magnitude: Double
        if !literal.truncated {
            if let exact = Self.exactProduct(w, literal.exponent) {
                magnitude = exact
            } else if literal.exponent == 0 {
                // An integer of up to 19 digits: the conversion instruction rounds correctly.
                magnitude = Double(w)
            } else if let fast = EiselLemire.double(w, literal.exponent, powers) {
                magnitude = fast
            } else {
                return try slowConversion(of: literal)
            }
        } else {
            // The value lies strictly between w and w + 1 (× 10^q); rounding is monotonic.
            guard let below = EiselLemire.double(w, literal.exponent, powers),
                  let above = EiselLemire.double(w &+ 1, literal.exponent, powers),
                  below == above else {
                return try slowConversion(of: literal)
            }
            magnitude = below
        }
        return literal.negative ? -magnitude : magnitude
    }

    /// `significand × 10^exponent` when both factors are exact doubles, so one rounding suffices.
    @inline(__always)
    static func exactProduct(_ significand: UInt64, _ exponent: Int) -> Double? {
        guard significand <= 1 << 53 else { return nil }
        let value = Double(significand)
        if exponent == 0 { return value }
        if exponent > 0 && exponent <= 22 { return value * exactPowersOfTen[exponent] }
        if exponent < 0 && exponent >= -22 { return value / exactPowersOfTen[-exponent] }
        if exponent > 22 && exponent <= 22 + 15 {
            // Move surplus powers of ten into the significand while it stays exact.
            let (scaled, overflow) = significand.multipliedReportingOverflow(by: UInt64(exactPowersOfTen[exponent - 22]))
            guard !overflow, scaled <= 1 << 53 else { return nil }
            return Double(scaled) * 1e22
        }
        return nil
    }

    /// 10^0 … 10^22: every one is exactly representable as a `Double`.
    static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Correctly rounded conversion of the already validated literal `input[start..<position]`.
    private func slowConversion(of literal: DecimalLiteral) throws(JSONParseError) -> Double {
        let start = literal.start
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        // Swift's parser uses the C locale, so a locale's decimal comma cannot interfere.
        guard let value = Double(text) else {
            throw JSONParseError(.invalidNumber, at: start, "invalid number literal")
        }
        guard value.isFinite else {
            throw JSONParseError(.numberOutOfRange, at: start, "number literal is too large for a 64-bit float; send \"Infinity\" or \"-Infinity\" as a string")
        }
        return value
    }

    func numberError(at offset: Int, _ message: String) -> JSONParseError {
        JSONParseError(offset < input.count ? .invalidNumber : .unexpectedEnd, at: offset, message)
    }
}
