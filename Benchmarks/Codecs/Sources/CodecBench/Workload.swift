/// The JSON texts the benchmark parses, written the way a Python client writes them.
enum Workload {
    static let count = 1 << 20

    /// `count` float32 values drawn from N(0, 1), like `torch.randn(n)`.
    static func inputs(_ random: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(random.nextGaussian()) }
    }

    /// `count` float32 gradient-sized values (N(0, 1) scaled by 1/n, like a mean-reduced loss's gradient).
    static func gradient(_ random: inout SplitMix64) -> [Float] {
        (0..<count).map { _ in Float(random.nextGaussian() / Double(count)) }
    }

    /// `json.dumps(x.tolist())` for a float32 tensor: each element widened to a Python float
    /// (a double) and printed by `repr`, i.e. the double's shortest round-trip digits (16–17
    /// significant digits for a float32 value), separated by `", "`.
    ///
    /// Swift's `Double.description` gives the same text as Python's `repr` for these values:
    /// both print shortest round-trip digits, both switch to exponent form below 1e-4 (`1e-05`).
    static func pythonText(_ values: [Float]) -> [UInt8] {
        var text: [UInt8] = [UInt8(ascii: "[")]
        text.reserveCapacity(values.count * 22)
        for (index, value) in values.enumerated() {
            if index > 0 { text.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
            text.append(contentsOf: Double(value).description.utf8)
        }
        text.append(UInt8(ascii: "]"))
        return text
    }

    /// `json.dumps(mask.tolist())` for a 0/1 mask: `[0, 1, 1, 0, ...]`.
    static func maskText(_ random: inout SplitMix64) -> [UInt8] {
        var text: [UInt8] = [UInt8(ascii: "[")]
        text.reserveCapacity(count * 3)
        for index in 0..<count {
            if index > 0 { text.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")]) }
            text.append(random.next() & 1 == 0 ? UInt8(ascii: "0") : UInt8(ascii: "1"))
        }
        text.append(UInt8(ascii: "]"))
        return text
    }

    /// `prefix + text + suffix` as one document.
    static func wrapped(_ prefix: String, _ text: [UInt8], _ suffix: String) -> [UInt8] {
        Array(prefix.utf8) + text + Array(suffix.utf8)
    }
}
