import Testing
@testable import TensorCodecs

@Suite struct JSONNumberTests {
    @Test(arguments: [
        "0", "-0", "1", "-1", "0.1", "0.3", "1e-5", "1E+5", "123456789012345678901234567890",
        "9007199254740993", "2.2250738585072011e-308", "4.9e-324", "1e-400", "1.7976931348623157e308",
        "0.000000000000000000000000000001", "3.141592653589793238462643383279", "1e22", "1e23", "8.6e37",
        "123.456e-7", "-0.0", "0.1000000000000000055511151231257827", "7e-10", "179769313486231570000e288",
    ])
    func literalsMatchTheCorrectlyRoundedValue(_ literal: String) throws {
        let parsed = try parse("[\(literal)]")
        guard case .numbers(let values, _) = parsed else { Issue.record("not numbers"); return }
        let expected = try #require(Double(literal))
        #expect(values[0].bitPattern == expected.bitPattern, "\(literal)")
    }

    @Test func randomDoublesRoundTripBitExact() throws {
        var generator = SplitMix64(seed: 42)
        var doubles: [Double] = []
        while doubles.count < 10_000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { doubles.append(value) }
        }
        var writer = JSONWriter()
        writer.value(.numbers(doubles, integral: false))
        guard case .numbers(let parsed, _) = try JSONParser.parse(writer.bytes) else {
            Issue.record("not numbers"); return
        }
        #expect(parsed.map(\.bitPattern) == doubles.map(\.bitPattern))
    }

    @Test func randomFloatsRoundTripBitExactThroughFloat32Tensors() throws {
        var generator = SplitMix64(seed: 43)
        var floats: [Float] = []
        while floats.count < 10_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()))
            if value.isFinite { floats.append(value) }
        }
        var writer = JSONWriter()
        writer.tensor(try Tensor(shape: [floats.count], float32: floats))
        let decoded = try JSONTensorDecoder.decode(try JSONParser.parse(writer.bytes), field: "t")
        guard case .float32(let parsed) = decoded.storage else { Issue.record("not float32"); return }
        #expect(parsed.map(\.bitPattern) == floats.map(\.bitPattern))
    }

    @Test func randomSeventeenDigitLiteralsMatchTheCorrectlyRoundedValue() throws {
        var generator = SplitMix64(seed: 44)
        var literals: [String] = []
        for index in 0..<20_000 {
            let digits = String(generator.next() % 100_000_000_000_000_000)
            let exponent = Int(generator.next() % 45) - 22
            // Every 4th literal sits exactly on or next to a double halfway point's decimal expansion.
            literals.append(index % 4 == 0 ? "\(Double(bitPattern: generator.next() >> 2))" : "\(digits)e\(exponent)")
        }
        let parsed = try JSONParser.parse("[" + literals.joined(separator: ",") + "]")
        guard case .numbers(let values, _) = parsed else { Issue.record("not numbers"); return }
        for (literal, value) in zip(literals, values) {
            #expect(value.bitPattern == Double(literal)?.bitPattern, "\(literal)")
        }
    }

    @Test(arguments: ["9007199254740993", "9007199254740995", "0.30000001192092896", "1.00000000000000011102230246251565404236316680908203125",
                      "1.0000000000000001110223024625156540423631668090820312", "4503599627370496.5", "4503599627370497.5"])
    func halfwayLiteralsRoundToEven(_ literal: String) throws {
        #expect(try parse(literal) == .number(try #require(Double(literal))))
    }

    @Test func integersAndExponentsAreFlagged() throws {
        #expect(try parse("[-0, 12345678901234567890]") == .numbers([-0.0, 12345678901234567168], integral: true))
        #expect(try parse("[1e2]") == .numbers([100], integral: false))
    }
}

import LossCore
