extension JSONWriter {
    /// Shortest round-trip digits, byte for byte what `Double.description` prints, without a `String`.
    @inline(__always)
    mutating func appendDouble(_ value: Double) {
        guard value.isFinite else { return appendNonFinite(isNaN: value.isNaN, negative: value < 0) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FloatPrinter.maxDoubleLength + FloatPrinter.slack) { buffer in
            let count = FloatPrinter.write(value, to: buffer.baseAddress!, PowersOfFive.shared)
            sink.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// Shortest round-trip digits of the `Float` itself (so `0.1` prints as `0.1`, not
    /// `0.10000000149011612`), byte for byte what `Float.description` prints, without a `String`.
    @inline(__always)
    mutating func appendFloat(_ value: Float) {
        guard value.isFinite else { return appendNonFinite(isNaN: value.isNaN, negative: value < 0) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FloatPrinter.maxFloatLength + FloatPrinter.slack) { buffer in
            let count = FloatPrinter.write(value, to: buffer.baseAddress!, PowersOfFive.shared)
            sink.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// What ``appendDouble(_:)`` wrote before lossd had its own printer: the standard library's
    /// `write(to:)`. The reference the tests compare with.
    mutating func appendDoubleWithStandardLibrary(_ value: Double) {
        guard value.isFinite else { return appendNonFinite(isNaN: value.isNaN, negative: value < 0) }
        value.write(to: &sink)
    }

    /// What ``appendFloat(_:)`` wrote before lossd had its own printer. The tests' reference.
    mutating func appendFloatWithStandardLibrary(_ value: Float) {
        guard value.isFinite else { return appendNonFinite(isNaN: value.isNaN, negative: value < 0) }
        value.write(to: &sink)
    }

    mutating func appendNonFinite(isNaN: Bool, negative: Bool) {
        if isNaN {
            appendASCII("\"NaN\"")
        } else if negative {
            appendASCII("\"-Infinity\"")
        } else {
            appendASCII("\"Infinity\"")
        }
    }

    /// Decimal digits, produced into the output in reverse and flipped in place.
    mutating func appendInteger(_ value: Int64) {
        if value < 0 { sink.bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = sink.bytes.count
        repeat {
            sink.bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        sink.bytes[start...].reverse()
    }

    /// A quoted string with `"`, `\` and control characters escaped; other text is kept as UTF-8.
    mutating func appendQuoted(_ text: String) {
        sink.bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): appendASCII("\\\"")
            case UInt8(ascii: "\\"): appendASCII("\\\\")
            case 0x0A: appendASCII("\\n")
            case 0x0D: appendASCII("\\r")
            case 0x09: appendASCII("\\t")
            case 0x08: appendASCII("\\b")
            case 0x0C: appendASCII("\\f")
            case 0..<0x20:
                appendASCII("\\u00")
                let hex: StaticString = "0123456789abcdef"
                sink.bytes.append(hex.utf8Start[Int(byte >> 4)])
                sink.bytes.append(hex.utf8Start[Int(byte & 0xF)])
            default: sink.bytes.append(byte)
            }
        }
        sink.bytes.append(UInt8(ascii: "\""))
    }
}
