// The number parser as it was before the Eisel–Lemire rewrite (commit 6f4b62d), kept verbatim
// under new names as the reference the new one is compared with: same values, same errors.
@testable import TensorCodecs

extension JSONParser {
    /// Scans one number literal at `position` and converts it to the nearest `Double`.
    ///
    /// Up to 19 significant digits are gathered into an integer while scanning. When that
    /// integer is at most 2^53 and the decimal exponent small, one exact power of ten and
    /// one IEEE multiplication or division give the correctly rounded result (Clinger's
    /// fast path). Everything else goes to the C library's correctly rounded conversion.
    /// - Returns: The value and whether the literal had neither fraction nor exponent.
    mutating func legacyParseNumber() throws(JSONParseError) -> (value: Double, integral: Bool) {
        let start = position
        var negative = false
        if input[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        var significand: UInt64 = 0
        var significantDigits = 0
        var decimalExponent = 0
        var droppedNonZeroDigit = false
        var integral = true

        guard let firstDigit = legacyDigit(at: position) else {
            throw legacyNumberError(at: position, "expected a digit after '-'")
        }
        if firstDigit == 0 {
            position += 1
            if legacyDigit(at: position) != nil {
                throw JSONParseError(.invalidNumber, at: start, "leading zeros are not allowed in numbers")
            }
        } else {
            while let value = legacyDigit(at: position) {
                if significantDigits < 19 {
                    significand = significand &* 10 &+ UInt64(value)
                    significantDigits += 1
                } else {
                    decimalExponent += 1
                    droppedNonZeroDigit = droppedNonZeroDigit || value != 0
                }
                position += 1
            }
        }
        if position < input.count, input[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard legacyDigit(at: position) != nil else { throw legacyNumberError(at: position, "expected a digit after '.'") }
            while let value = legacyDigit(at: position) {
                if significantDigits < 19 {
                    significand = significand &* 10 &+ UInt64(value)
                    if significand != 0 { significantDigits += 1 }
                    decimalExponent -= 1
                } else {
                    droppedNonZeroDigit = droppedNonZeroDigit || value != 0
                }
                position += 1
            }
        }
        if position < input.count, input[position] | 0x20 == UInt8(ascii: "e") {
            integral = false
            position += 1
            var exponentNegative = false
            if position < input.count, input[position] == UInt8(ascii: "-") || input[position] == UInt8(ascii: "+") {
                exponentNegative = input[position] == UInt8(ascii: "-")
                position += 1
            }
            guard legacyDigit(at: position) != nil else { throw legacyNumberError(at: position, "expected a digit in the exponent") }
            var exponent = 0
            while let value = legacyDigit(at: position) {
                // Saturate: anything past 10^5 is already zero or infinity.
                if exponent < 100_000 { exponent = exponent * 10 + value }
                position += 1
            }
            decimalExponent += exponentNegative ? -exponent : exponent
        }

        if significand == 0 { return (negative ? -0.0 : 0.0, integral) }
        if !droppedNonZeroDigit, let exact = Self.legacyExactProduct(significand, decimalExponent) ?? Self.legacyExtendedProduct(significand, decimalExponent) {
            return (negative ? -exact : exact, integral)
        }
        return (try legacySlowConversion(from: start), integral)
    }

    /// `significand × 10^exponent` when both factors are exact doubles, so one rounding suffices.
    @inline(__always)
    static func legacyExactProduct(_ significand: UInt64, _ exponent: Int) -> Double? {
        guard significand <= 1 << 53 else { return nil }
        let value = Double(significand)
        if exponent == 0 { return value }
        if exponent > 0 && exponent <= 22 { return value * legacyExactPowersOfTen[exponent] }
        if exponent < 0 && exponent >= -22 { return value / legacyExactPowersOfTen[-exponent] }
        if exponent > 22 && exponent <= 22 + 15 {
            // Move surplus powers of ten into the significand while it stays exact.
            let (scaled, overflow) = significand.multipliedReportingOverflow(by: UInt64(legacyExactPowersOfTen[exponent - 22]))
            guard !overflow, scaled <= 1 << 53 else { return nil }
            return Double(scaled) * 1e22
        }
        return nil
    }

    /// `significand × 10^exponent` for 16–19 digit significands (what Python's `repr` sends),
    /// computed in x87 extended precision: the 64-bit significand holds the decimal exactly and
    /// the one extended rounding leaves 11 spare bits. Rounding that to `Double` is correct
    /// unless those bits sit next to a halfway point, in which case this gives up (`nil`).
    @inline(__always)
    static func legacyExtendedProduct(_ significand: UInt64, _ exponent: Int) -> Double? {
        #if arch(x86_64) && !os(Windows)
        guard exponent >= -22 && exponent <= 22 else { return nil }
        let wide = Float80(significand)
        let power = Float80(legacyExactPowersOfTen[abs(exponent)])
        let scaled = exponent >= 0 ? wide * power : wide / power
        let spareBits = scaled.significandBitPattern & 0x7FF
        guard spareBits < 0x3FF || spareBits > 0x401 else { return nil }
        return Double(scaled)
        #else
        return nil
        #endif
    }

    /// 10^0 … 10^22: every one is exactly representable as a `Double`.
    static let legacyExactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Correctly rounded conversion of the already validated literal `input[start..<position]`.
    private func legacySlowConversion(from start: Int) throws(JSONParseError) -> Double {
        let literal = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
        // Swift's parser uses the C locale, so a locale's decimal comma cannot interfere.
        guard let value = Double(literal) else {
            throw JSONParseError(.invalidNumber, at: start, "invalid number literal")
        }
        guard value.isFinite else {
            throw JSONParseError(.numberOutOfRange, at: start, "number literal is too large for a 64-bit float; send \"Infinity\" or \"-Infinity\" as a string")
        }
        return value
    }

    @inline(__always)
    private func legacyDigit(at offset: Int) -> Int? {
        guard offset < input.count else { return nil }
        let value = Int(input[offset]) &- 0x30
        return value >= 0 && value <= 9 ? value : nil
    }

    private func legacyNumberError(at offset: Int, _ message: String) -> JSONParseError {
        JSONParseError(offset < input.count ? .invalidNumber : .unexpectedEnd, at: offset, message)
    }
}

extension JSONParser {
    /// Parses `bytes` as one number literal (plus trailing whitespace) with the legacy code.
    static func legacyNumber(_ bytes: [UInt8]) -> Result<Double, JSONParseError> {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(input: buffer, maxDepth: 8)
            return Result { () throws(JSONParseError) -> Double in try parser.legacyParseNumber().value }
        }
    }

    /// Parses `bytes` as one number literal with the current code.
    static func currentNumber(_ bytes: [UInt8]) -> Result<Double, JSONParseError> {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(input: buffer, maxDepth: 8)
            return Result { () throws(JSONParseError) -> Double in try parser.parseNumber().value }
        }
    }
}
