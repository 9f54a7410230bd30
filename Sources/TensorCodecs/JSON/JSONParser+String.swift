extension JSONParser {
    /// Parses a string starting at the opening quote; leaves `position` after the closing quote.
    mutating func parseString() throws(JSONParseError) -> String {
        position += 1
        let start = position
        // Fast path: plain ASCII without escapes is copied straight into the String.
        while position < input.count {
            let byte = input[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { break }
            position += 1
        }
        var buffer = Array(input[start..<position])
        try parseStringTail(into: &buffer, openedAt: start - 1)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The general path: escapes, multi-byte UTF-8 (validated), control characters (rejected).
    private mutating func parseStringTail(into buffer: inout [UInt8], openedAt quote: Int) throws(JSONParseError) {
        while true {
            guard position < input.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unterminated string (opened at byte \(quote))")
            }
            let byte = input[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0..<0x20:
                throw JSONParseError(.controlCharacter, at: position, "control character 0x\(String(byte, radix: 16)) must be escaped inside a string")
            case 0x20..<0x80:
                buffer.append(byte)
                position += 1
            default:
                let length = try validUTF8SequenceLength(at: position)
                buffer.append(contentsOf: input[position..<position + length])
                position += length
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = position
        position += 1
        guard position < input.count else {
            throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside an escape")
        }
        let code = input[position]
        position += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(code)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHexQuad()
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                guard position + 1 < input.count, input[position] == UInt8(ascii: "\\"), input[position + 1] == UInt8(ascii: "u") else {
                    throw JSONParseError(.loneSurrogate, at: escapeStart, "high surrogate \\u\(String(unit, radix: 16)) is not followed by a low surrogate")
                }
                position += 2
                let low = try parseHexQuad()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSONParseError(.loneSurrogate, at: escapeStart, "high surrogate \\u\(String(unit, radix: 16)) is followed by \\u\(String(low, radix: 16)), not a low surrogate")
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw JSONParseError(.loneSurrogate, at: escapeStart, "low surrogate \\u\(String(unit, radix: 16)) without a preceding high surrogate")
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw JSONParseError(.invalidEscape, at: escapeStart, "invalid unicode escape")
            }
            buffer.append(contentsOf: UTF8.encode(scalar)!)
        default:
            throw JSONParseError(.invalidEscape, at: escapeStart, "invalid escape '\\\(describeByte(at: position - 1))' in string")
        }
    }

    private mutating func parseHexQuad() throws(JSONParseError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard position < input.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside a \\u escape")
            }
            let byte = input[position]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default:
                throw JSONParseError(.invalidEscape, at: position, "\\u escape needs four hex digits, found \(describeByte(at: position))")
            }
            value = value << 4 | UInt16(nibble)
            position += 1
        }
        return value
    }

    /// Length of the well-formed UTF-8 sequence at `offset` (Unicode Table 3-7), or an error.
    private func validUTF8SequenceLength(at offset: Int) throws(JSONParseError) -> Int {
        let lead = input[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default:
            throw JSONParseError(.invalidUTF8, at: offset, "invalid UTF-8 lead byte 0x\(String(lead, radix: 16, uppercase: true))")
        }
        guard offset + length <= input.count else {
            throw JSONParseError(.invalidUTF8, at: offset, "truncated UTF-8 sequence")
        }
        guard secondRange.contains(input[offset + 1]) else {
            throw JSONParseError(.invalidUTF8, at: offset + 1, "invalid UTF-8 continuation byte")
        }
        for index in offset + 2 ..< offset + length where input[index] & 0xC0 != 0x80 {
            throw JSONParseError(.invalidUTF8, at: index, "invalid UTF-8 continuation byte")
        }
        return length
    }
}
