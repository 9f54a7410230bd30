/// Exact decimal text of binary values, for building parser hard cases (midpoints between
/// adjacent doubles or floats, which have long exact expansions). Test-only, deliberately simple:
/// base-10^9 limbs, little-endian.
struct DecimalBigInt {
    var limbs: [UInt32]  // base 10^9

    init(_ value: UInt64) {
        limbs = []
        var rest = value
        repeat {
            limbs.append(UInt32(rest % 1_000_000_000))
            rest /= 1_000_000_000
        } while rest != 0
    }

    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(product % 1_000_000_000)
            carry = product / 1_000_000_000
        }
        while carry != 0 {
            limbs.append(UInt32(carry % 1_000_000_000))
            carry /= 1_000_000_000
        }
    }

    var decimal: String {
        var text = String(limbs.last!)
        for limb in limbs.dropLast().reversed() {
            let part = String(limb)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return text
    }
}

enum DecimalExpansion {
    /// The exact decimal literal of `odd × 2^exponent` (any sign of exponent), e.g. `"1171875e-7"`.
    static func literal(odd: UInt64, timesTwoToThe exponent: Int) -> String {
        var value = DecimalBigInt(odd)
        if exponent >= 0 {
            for _ in 0..<exponent { value.multiply(by: 2) }
            return value.decimal
        }
        // odd / 2^n = odd × 5^n / 10^n.
        for _ in 0..<(-exponent) { value.multiply(by: 5) }
        return value.decimal + "e-\(-exponent)"
    }

    /// The exact midpoint between the positive finite double `value` and the next one up.
    static func midpointAbove(_ value: Double) -> String {
        let (significand, exponent) = decompose(value)
        return literal(odd: 2 * significand + 1, timesTwoToThe: exponent - 1)
    }

    /// The exact midpoint between the positive finite float `value` and the next one up.
    static func midpointAbove(_ value: Float) -> String {
        let exponentBits = Int(value.exponentBitPattern)
        let significand = UInt64(value.significandBitPattern) | (exponentBits == 0 ? 0 : 1 << 23)
        let exponent = max(exponentBits, 1) - 150
        return literal(odd: 2 * significand + 1, timesTwoToThe: exponent - 1)
    }

    /// `value = significand × 2^exponent` with the integer significand of the encoding.
    static func decompose(_ value: Double) -> (UInt64, Int) {
        let exponentBits = Int(value.exponentBitPattern)
        let significand = value.significandBitPattern | (exponentBits == 0 ? 0 : 1 << 52)
        return (significand, max(exponentBits, 1) - 1075)
    }

    /// `literal` with its digits (not its exponent) changed by appending `digit`: `"15e-1"` → `"151e-2"`.
    static func appendingDigit(_ digit: Character, to literal: String) -> String {
        if let e = literal.firstIndex(of: "e") {
            let exponent = Int(literal[literal.index(after: e)...])!
            return literal[..<e] + String(digit) + "e\(exponent - 1)"
        }
        return literal + String(digit) + "e-1"
    }
}
