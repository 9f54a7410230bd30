import Foundation
import LossCore
import Testing
@testable import TensorCodecs

/// The float printer against the bytes the writer produced before (the standard library's
/// `write(to:)`, kept as `appendFloatWithStandardLibrary`). The exhaustive float32 comparison is
/// `codec-bench exhaustive-float32` in Benchmarks/Codecs; these tests sample.
@Suite struct FloatPrintingTests {
    func printed(_ value: Float) -> [UInt8] {
        var writer = JSONWriter()
        writer.number(value)
        return writer.bytes
    }

    func printed(_ value: Double) -> [UInt8] {
        var writer = JSONWriter()
        writer.number(value)
        return writer.bytes
    }

    func reference(_ value: Float) -> [UInt8] {
        var writer = JSONWriter()
        writer.appendFloatWithStandardLibrary(value)
        return writer.bytes
    }

    func reference(_ value: Double) -> [UInt8] {
        var writer = JSONWriter()
        writer.appendDoubleWithStandardLibrary(value)
        return writer.bytes
    }

    /// Which values the fast path leaves to the standard library (the fallback), for the statistics test.
    func decided(_ value: Float) -> Bool { ShortestDecimal.decimal(value, PowersOfFive.shared) != nil }
    func decided(_ value: Double) -> Bool { ShortestDecimal.decimal(value, PowersOfFive.shared) != nil }

    @Test("⌊e·log₁₀2⌋ and ⌊log₁₀(¾·2^e)⌋ by integer arithmetic match the floating-point values for every exponent used")
    func decimalExponentEstimates() {
        for e in -1100...1100 {
            #expect(ShortestDecimal.floorLog10PowerOfTwo(e) == Int((Double(e) * log10(2.0)).rounded(.down)), "e=\(e)")
            #expect(ShortestDecimal.floorLog10ThreeQuartersPowerOfTwo(e) == Int((Double(e) * log10(2.0) + log10(0.75)).rounded(.down)), "e=\(e)")
        }
    }

    @Test("Digit counts are right around every power of ten")
    func digitCounts() {
        var power: UInt64 = 1
        for digits in 1...19 {
            #expect(FloatPrinter.decimalDigitCount(power, PowersOfFive.shared) == digits)
            #expect(FloatPrinter.decimalDigitCount(power &* 10 &- 1, PowersOfFive.shared) == digits, "\(power * 10 - 1)")
            if digits > 1 { #expect(FloatPrinter.decimalDigitCount(power - 1, PowersOfFive.shared) == digits - 1) }
            if digits < 19 { power *= 10 }
        }
        #expect(FloatPrinter.decimalDigitCount(UInt64.max, PowersOfFive.shared) == 20)
    }

    @Test(arguments: [Float(1), 0.1, 1e-5, 1e-4, 9.999999e-5, 0.00012345, 16777216, 16777218, 33554432, 1e7, 1e8,
                      123456789, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .leastNormalMagnitude,
                      -0.0, 0, 100, 1e10, 12345.678, 2.5e-3, 0.015625, 0.02824899, -0.029930882, 0.27493164,
                      3.4028235e38, 1.1754942e-38, 7e-45, 1e-44, 9.8e-45, 0x1p-126, 0x1p-127, 0x1.fffffep-127])
    func specialFloats(_ value: Float) {
        #expect(printed(value) == reference(value), "\(value)")
        #expect(printed(-value) == reference(-value), "\(-value)")
    }

    @Test(arguments: [1.0, 0.1, 1e-5, 1e-4, 1e16, 1e15, 9007199254740992, 9007199254740994, 123456789012345680,
                      5e-324, 1e-323, .greatestFiniteMagnitude, .leastNormalMagnitude, 0x1p-1022, 0x1.fffffffffffffp-1023,
                      -0.0, 0, 1e100, 1.5e-300, 0.3, 2.2250738585072014e-308, 1e23, 9.5e-5, 0.1 + 0.2,
                      0x1p53, 0x1p54, 1e-320, 4.9e-322, 123.456, 1e21, 1e22, 5e-310])
    func specialDoubles(_ value: Double) {
        #expect(printed(value) == reference(value), "\(value)")
        #expect(printed(-value) == reference(-value), "\(-value)")
    }

    @Test("Millions of random float32 bit patterns (every exponent, subnormals) print byte-identically")
    func randomFloat32BitPatterns() {
        var generator = SplitMix64(seed: 201)
        var mismatches = 0
        for index in 0..<2_000_000 {
            var bits = UInt32(truncatingIfNeeded: generator.next())
            // Every 8th value is a subnormal, every 8th a power of two (the asymmetric intervals).
            if index % 8 == 1 { bits &= 0x807F_FFFF }
            if index % 8 == 2 { bits &= 0xFF80_0000 }
            let value = Float(bitPattern: bits)
            guard value.isFinite else { continue }
            if printed(value) != reference(value) {
                mismatches += 1
                if mismatches <= 10 { Issue.record("0x\(String(bits, radix: 16)): \(String(decoding: printed(value), as: UTF8.self)) vs \(value)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("Millions of random float64 values (random bits, float32-derived, small integers, subnormals) print byte-identically")
    func randomFloat64Values() {
        var generator = SplitMix64(seed: 202)
        var mismatches = 0
        for index in 0..<1_500_000 {
            let raw = generator.next()
            let value: Double
            switch index % 6 {
            case 0, 1: value = Double(bitPattern: raw)
            case 2: value = Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))
            case 3: value = Double(bitPattern: raw & 0x800F_FFFF_FFFF_FFFF)  // subnormal
            case 4: value = Double(Int64(bitPattern: raw) >> Int64(raw % 60))  // integers of every size
            default: value = Double(bitPattern: raw & 0xFFF0_0000_0000_0000)  // powers of two
            }
            guard value.isFinite else { continue }
            if printed(value) != reference(value) {
                mismatches += 1
                if mismatches <= 10 { Issue.record("0x\(String(value.bitPattern, radix: 16)): \(String(decoding: printed(value), as: UTF8.self)) vs \(value)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("Short decimals (1–17 digits, all magnitudes) and their neighbours print byte-identically")
    func shortDecimalsAndNeighbours() {
        var generator = SplitMix64(seed: 203)
        for _ in 0..<200_000 {
            let digits = 1 + Int(generator.next() % 17)
            let significand = generator.next() % FloatPrinter.powerOfTen(digits)
            let exponent = Int(generator.next() % 640) - 330
            guard let value = Double("\(significand)e\(exponent)"), value.isFinite, value != 0 else { continue }
            for candidate in [value, value.nextUp, value.nextDown] {
                #expect(printed(candidate) == reference(candidate), "\(candidate)")
            }
            let float = Float(value)
            if float.isFinite, float != 0 {
                for candidate in [float, float.nextUp, float.nextDown] {
                    #expect(printed(candidate) == reference(candidate), "\(candidate)")
                }
            }
        }
    }

    @Test("Tensors print through the chunked writer exactly as element-by-element printing did")
    func tensorsMatchTheElementByElementWriter() throws {
        var generator = SplitMix64(seed: 204)
        let floats = (0..<10_000).map { index -> Float in
            index % 97 == 0 ? [.nan, .infinity, -.infinity, 0, -0.0][index % 5] : Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0xBFFF_FFFF)
        }
        let doubles = (0..<5_000).map { _ in Double(bitPattern: generator.next() & 0xBFFF_FFFF_FFFF_FFFF) }
        let halves = (0..<3_000).map { _ in UInt16(truncatingIfNeeded: generator.next()) }
        let tensors = [
            try Tensor(shape: [floats.count], float32: floats),
            Tensor(unchecked: [doubles.count], storage: .float64(doubles)),
            Tensor(unchecked: [halves.count], storage: .float16(halves)),
            Tensor(unchecked: [halves.count], storage: .bfloat16(halves)),
            Tensor(unchecked: [0], storage: .float32([])),
        ]
        for tensor in tensors {
            var writer = JSONWriter()
            writer.flatData(of: tensor)
            var expected = JSONWriter()
            expected.beginArray()
            for index in 0..<tensor.count {
                if index > 0 { expected.sink.bytes.append(UInt8(ascii: ",")) }
                switch tensor.storage {
                case .float32(let values): expected.appendFloatWithStandardLibrary(values[index])
                case .float64(let values): expected.appendDoubleWithStandardLibrary(values[index])
                case .float16(let values): expected.appendFloatWithStandardLibrary(HalfPrecision.float(fromHalf: values[index]))
                case .bfloat16(let values): expected.appendFloatWithStandardLibrary(HalfPrecision.float(fromBFloat16: values[index]))
                default: Issue.record("unexpected dtype")
                }
            }
            expected.endArray()
            #expect(writer.string == expected.string, "\(tensor.dtype)")
        }
    }

    @Test("The fast path decides practically every value; the standard library fallback is rare")
    func fallbackIsRare() {
        var generator = SplitMix64(seed: 205)
        var undecidedFloats = 0
        var undecidedDoubles = 0
        for _ in 0..<200_000 {
            let float = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0x7FFF_FFFF)
            if float.isFinite, float > 0x1p-140, !decided(float) { undecidedFloats += 1 }
            let double = Double(bitPattern: generator.next() & 0x7FFF_FFFF_FFFF_FFFF)
            if double.isFinite, double > 0x1p-1060, !decided(double) { undecidedDoubles += 1 }
        }
        #expect(undecidedFloats == 0)
        #expect(undecidedDoubles == 0)
        // Gradient-sized float32 values never fall back.
        for _ in 0..<100_000 {
            let value = Float(Double(generator.next() % 1_000_000_000) * 1e-15)
            if value != 0 { #expect(decided(value), "\(value)") }
        }
    }
}
