extension JSONWriter {
    /// Shortest round-trip digits from the standard library, written without a `String`.
    @inline(__always)
    mutating func appendDouble(_ value: Double) {
        guard value.isFinite else { return appendNonFinite(isNaN: value.isNaN, negative: value < 0) }
        value.write(to: &sink)
    }

    /// Shortest round-trip digits of the `Float` itself (so `0.1` prints as `0.1`, not `0.10000000149011612`).
    @inline(__always)
    mutating func appendFloat(_ value: Float) {
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
