import Foundation
import Testing
@testable import TensorCodecs

/// The Eisel–Lemire number parser against the C library's correctly rounded conversion
/// (`Double(String)`) and against the parser it replaced (kept in `Reference/`).
@Suite struct JSONNumberParsingTests {
    /// Parses one literal with the current parser; `nil` on error.
    func parsed(_ literal: String) -> Double? {
        try? JSONParser.currentNumber(Array(literal.utf8)).get()
    }

    func expectCorrectlyRounded(_ literal: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = Double(literal)!
        #expect(parsed(literal)?.bitPattern == expected.bitPattern, "\(literal)", sourceLocation: sourceLocation)
    }

    @Test("The power-of-five table matches independent 64- and 128-bit computations and the exponent formula")
    func powerTableEntries() {
        let powers = PowersOfFive.shared
        var exact: UInt64 = 1
        for q in 0...27 {
            let shift = exact.leadingZeroBitCount
            #expect(powers.high(q) == exact << UInt64(shift), "q=\(q)")
            #expect(powers.low(q) == 0, "q=\(q)")
            if q < 27 { exact *= 5 }
        }
        // 5^28 … 5^55 as two words, multiplied by 5 with 64-bit carries.
        var (high, low) = exact.multipliedFullWidth(by: 5)
        for q in 28...55 {
            let shift = high.leadingZeroBitCount
            let normalisedHigh = high << UInt64(shift) | (shift == 0 ? 0 : low >> UInt64(64 - shift))
            #expect(powers.high(q) == normalisedHigh, "q=\(q)")
            #expect(powers.low(q) == low << UInt64(shift), "q=\(q)")
            guard q < 55 else { break }
            let lowProduct = low.multipliedFullWidth(by: 5)
            high = high * 5 + lowProduct.high
            low = lowProduct.low
        }
        for q in PowersOfFive.minimum...PowersOfFive.maximum {
            #expect(powers.high(q) >> 63 == 1, "normalised, q=\(q)")
            let expected = Int((Double(q) * log2(5.0)).rounded(.down)) - 127
            #expect(powers.binaryExponent(q) == expected, "q=\(q)")
        }
    }

    @Test("Negative powers: T × 5^n ≤ 2^b < (T + 1) × 5^n, checked by multiplication")
    func negativePowersAreTruncatedReciprocals() {
        let powers = PowersOfFive.shared
        for n in 1...(-PowersOfFive.minimum) {
            // T × 5^n and (T + 1) × 5^n as multi-word integers; 2^b with b = −exponent.
            var lower = MultiWord(high: powers.high(-n), low: powers.low(-n))
            var upper = lower.plusOne()
            for _ in 0..<n { lower.multiply(by: 5); upper.multiply(by: 5) }
            let b = -powers.binaryExponent(-n)
            #expect(lower.bitLength == b, "T × 5^n < 2^b, n=\(n)")
            #expect(upper.bitLength == b + 1, "(T + 1) × 5^n > 2^b, n=\(n)")
        }
    }

    @Test(arguments: [
        "0", "-0", "1", "-1", "0.1", "0.3", "1e-5", "1E+5", "123456789012345678901234567890",
        "9007199254740993", "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
        "4.9e-324", "5e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
        "1e-400", "-1e-400", "1e-342", "1e-343", "1.7976931348623157e308", "1.7976931348623158e308",
        "0.000000000000000000000000000001", "3.141592653589793238462643383279", "1e22", "1e23", "8.6e37",
        "123.456e-7", "-0.0", "0.1000000000000000055511151231257827", "7e-10", "179769313486231570000e288",
        "0e99999999", "1e-99999999", "-0.000e7", "18446744073709551615", "18446744073709551616",
        "9999999999999999999", "10000000000000000000", "12345678901234567890123", "0.10000000149011612",
        "0.030000000000000002", "1.0000000596046448", "3.4028235677973366e38", "1.401298464324817e-45",
    ])
    func literalsMatchTheCorrectlyRoundedValue(_ literal: String) {
        expectCorrectlyRounded(literal)
    }

    @Test("Overflowing literals keep their error, kind and offset")
    func overflowIsAnError() {
        for literal in ["1e309", "1.7976931348623159e308", "-1e400", "1e99999999", "123456789012345678901234567890e290"] {
            let result = JSONParser.currentNumber(Array(literal.utf8))
            #expect(result == JSONParser.legacyNumber(Array(literal.utf8)), "\(literal)")
            guard case .failure(let error) = result else { Issue.record("\(literal) parsed"); continue }
            #expect(error.kind == .numberOutOfRange)
            #expect(error.offset == 0)
        }
    }

    @Test("Malformed literals give the same error (kind, offset, message) as the previous parser")
    func malformedLiteralsMatchTheLegacyParser() {
        let cases = ["-", "-a", "-.5", "01", "-01", "00", "1.", "1.e5", "1.x", "1e", "1e+", "1e-", "1ex", "1E+x",
                     "0.", "-0.", "12345678.", "1234567890123456789012.", "1.2345678e", "0x10"]
        for literal in cases {
            let bytes = Array(literal.utf8)
            let current = JSONParser.currentNumber(bytes)
            let legacy = JSONParser.legacyNumber(bytes)
            switch (current, legacy) {
            case (.failure(let a), .failure(let b)):
                #expect(a == b, "\(literal): \(a) vs \(b)")
            case (.success(let a), .success(let b)):
                #expect(a.bitPattern == b.bitPattern, "\(literal)")
            default:
                Issue.record("\(literal): \(current) vs \(legacy)")
            }
        }
    }

    @Test("Random doubles round-trip through their shortest, %.17g and %.25e forms")
    func randomDoublesRoundTrip() {
        var generator = SplitMix64(seed: 101)
        for _ in 0..<100_000 {
            let value = Double(bitPattern: generator.next() & ~(1 << 63))
            guard value.isFinite else { continue }
            for literal in [value.description, String(format: "%.17g", value), String(format: "%.25e", value)] {
                #expect(parsed(literal)?.bitPattern == value.bitPattern, "\(literal)")
            }
        }
    }

    @Test("Random decimal strings of 1–40 digits over the whole exponent range match Double(String)")
    func randomDecimalStrings() {
        var generator = SplitMix64(seed: 102)
        for index in 0..<200_000 {
            let digitCount = 1 + Int(generator.next() % (index % 3 == 0 ? 40 : 20))
            var digits = String(1 + generator.next() % 9)
            for _ in 1..<digitCount { digits.append(Character(String(generator.next() % 10))) }
            let exponent = Int(generator.next() % 700) - 360
            let point = Int(generator.next() % UInt64(digitCount))
            let mantissa = point == 0 ? digits : String(digits.prefix(point)) + "." + digits.dropFirst(point)
            let literal = (generator.next() & 1 == 0 ? "-" : "") + mantissa + "e\(exponent)"
            let expected = Double(literal)!
            if expected.isFinite {
                #expect(parsed(literal)?.bitPattern == expected.bitPattern, "\(literal)")
            } else {
                #expect(parsed(literal) == nil, "\(literal) overflows")
            }
        }
    }

    @Test("Exact midpoints between doubles round to even; one digit more or less rounds away")
    func doubleMidpoints() {
        var generator = SplitMix64(seed: 103)
        var values: [Double] = [0x1p-1074, 0x1p-1022, 0x1.fffffffffffffp-1023, 0x1p52, 0x1p53, 1, 0.1, 1e300, 0x1.ffffffffffffep1023]
        for _ in 0..<3_000 {
            values.append(Double(bitPattern: generator.next() & ~(1 << 63)))
        }
        for _ in 0..<500 { values.append(Double(bitPattern: generator.next() % (1 << 52))) }  // subnormals
        for value in values where value.isFinite && value > 0 && value.nextUp.isFinite {
            let midpoint = DecimalExpansion.midpointAbove(value)
            expectCorrectlyRounded(midpoint)
            let even = value.significandBitPattern & 1 == 0 ? value : value.nextUp
            #expect(parsed(midpoint) == even, "\(midpoint)")
            // Just above the midpoint (append a 1) rounds up; a truncated expansion (first 19–25
            // digits) lies below it and rounds down.
            let above = DecimalExpansion.appendingDigit("1", to: midpoint)
            #expect(parsed(above) == value.nextUp, "\(above)")
            for keep in [19, 20, 25] {
                guard let e = midpoint.firstIndex(of: "e") else { continue }
                let digits = midpoint[..<e]
                guard digits.count > keep else { continue }
                let exponent = Int(midpoint[midpoint.index(after: e)...])! + (digits.count - keep)
                let truncated = digits.prefix(keep) + "e\(exponent)"
                expectCorrectlyRounded(String(truncated))
                #expect(parsed(String(truncated)) == value, "\(truncated)")
            }
        }
    }

    @Test("Python-style 17-digit literals of float32 values take the fast path and round-trip")
    func seventeenDigitFloat32Literals() {
        var generator = SplitMix64(seed: 104)
        for _ in 0..<100_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            guard value.isFinite else { continue }
            let literal = Double(value).description
            #expect(parsed(literal) == Double(value), "\(literal)")
        }
    }

    @Test("The parser agrees with the previous one on random literals, values and integral flags")
    func agreesWithTheLegacyParser() {
        var generator = SplitMix64(seed: 105)
        for _ in 0..<50_000 {
            let digits = String(generator.next() % 100_000_000_000_000_000)
            let literal: String
            switch generator.next() % 4 {
            case 0: literal = digits
            case 1: literal = "-0.\(digits)"
            case 2: literal = "\(digits)e\(Int(generator.next() % 40) - 20)"
            default: literal = "\(digits.prefix(3)).\(digits.dropFirst(3))E+\(generator.next() % 30)"
            }
            let bytes = Array(literal.utf8)
            let current = JSONParser.currentNumber(bytes).map(\.bitPattern)
            let legacy = JSONParser.legacyNumber(bytes).map(\.bitPattern)
            #expect(current == legacy, "\(literal)")
        }
    }
}

/// A 4-word little-endian integer with multiplication by small factors (test-only).
struct MultiWord {
    var words: [UInt64]

    init(high: UInt64, low: UInt64) { words = [low, high] }

    func plusOne() -> MultiWord {
        var copy = self
        for index in copy.words.indices {
            let (sum, overflow) = copy.words[index].addingReportingOverflow(1)
            copy.words[index] = sum
            if !overflow { return copy }
        }
        copy.words.append(1)
        return copy
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

    var bitLength: Int {
        guard let index = words.lastIndex(where: { $0 != 0 }) else { return 0 }
        return index * 64 + 64 - words[index].leadingZeroBitCount
    }
}
