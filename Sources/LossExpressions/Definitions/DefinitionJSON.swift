/// A place in a definition's text: 1-based line and column (columns count Unicode scalars).
public struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    /// Creates a position.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// A JSON value of a definition, with where it starts, so every complaint about a definition —
/// down to a name inside its expression string — points at a line and column of the text.
///
/// Parsed by ``DefinitionJSON/parse(_:sourceName:)`` (RFC 8259; duplicate keys refused, nesting
/// at most 32 deep, so hostile input fails fast and never recurses far).
struct JSONNode: Sendable {
    /// What the node is.
    indirect enum Value: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        /// The decoded text and, for each of its Unicode scalars, where the scalar's source starts
        /// (an escape maps to its backslash); one more entry for the closing quote.
        case string(String, positions: [TextPosition])
        case array([JSONNode])
        /// Members in source order, each with the position of its key.
        case object([(key: String, keyPosition: TextPosition, value: JSONNode)])
    }

    /// The value.
    var value: Value
    /// Where the value starts.
    var position: TextPosition

    /// `null`, `boolean`, `number`, `string`, `array` or `object`.
    var kindName: String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// The JSON reader of loss definitions (``JSONNode``). Every error is a ``DefinitionError`` at the
/// line and column of the offending byte.
enum DefinitionJSON {
    /// Deepest nesting of arrays and objects.
    static let maxDepth = 32

    /// Parses one JSON document.
    /// - Throws: ``DefinitionError`` for malformed text, naming line and column.
    static func parse(_ bytes: [UInt8], sourceName: String) throws(DefinitionError) -> JSONNode {
        var reader = Reader(bytes: bytes, sourceName: sourceName)
        reader.skipSpace()
        let node = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == bytes.count else { throw reader.fail("unexpected text after the JSON value") }
        return node
    }

    private struct Reader {
        let bytes: [UInt8]
        let sourceName: String
        var index = 0
        var line = 1
        var column = 1

        var position: TextPosition { TextPosition(line: line, column: column) }

        func fail(_ reason: String, at position: TextPosition? = nil) -> DefinitionError {
            DefinitionError(reason, at: position ?? self.position, sourceName: sourceName, text: bytes)
        }

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        /// Consumes one byte, keeping line and column (continuation bytes of UTF-8 take no column).
        mutating func advance() {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { advance() }
        }

        mutating func expect(_ literal: String) throws(DefinitionError) {
            let start = position
            for byte in literal.utf8 {
                guard peek == byte else { throw fail("invalid literal; expected '\(literal)'", at: start) }
                advance()
            }
        }

        mutating func value(depth: Int) throws(DefinitionError) -> JSONNode {
            let start = position
            guard let byte = peek else { throw fail("unexpected end of the text; expected a JSON value") }
            switch byte {
            case UInt8(ascii: "{"):
                guard depth < DefinitionJSON.maxDepth else { throw fail("nesting deeper than \(DefinitionJSON.maxDepth)") }
                return JSONNode(value: try object(depth: depth + 1), position: start)
            case UInt8(ascii: "["):
                guard depth < DefinitionJSON.maxDepth else { throw fail("nesting deeper than \(DefinitionJSON.maxDepth)") }
                return JSONNode(value: try array(depth: depth + 1), position: start)
            case UInt8(ascii: "\""):
                let (text, positions) = try string()
                return JSONNode(value: .string(text, positions: positions), position: start)
            case UInt8(ascii: "t"): try expect("true"); return JSONNode(value: .bool(true), position: start)
            case UInt8(ascii: "f"): try expect("false"); return JSONNode(value: .bool(false), position: start)
            case UInt8(ascii: "n"): try expect("null"); return JSONNode(value: .null, position: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return JSONNode(value: .number(try number()), position: start)
            default:
                throw fail("unexpected character \(Self.show(byte)); expected a JSON value")
            }
        }

        mutating func object(depth: Int) throws(DefinitionError) -> JSONNode.Value {
            advance()
            var members: [(key: String, keyPosition: TextPosition, value: JSONNode)] = []
            skipSpace()
            if peek == UInt8(ascii: "}") { advance(); return .object(members) }
            while true {
                skipSpace()
                let keyPosition = position
                guard peek == UInt8(ascii: "\"") else { throw fail("expected a member name in double quotes") }
                let (key, _) = try string()
                if members.contains(where: { $0.key == key }) {
                    throw fail("duplicate member '\(key.prefix(64))'", at: keyPosition)
                }
                skipSpace()
                guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after the member name") }
                advance()
                skipSpace()
                members.append((key, keyPosition, try value(depth: depth)))
                skipSpace()
                guard let byte = peek else { throw fail("unexpected end of the text; expected ',' or '}'") }
                guard byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") else {
                    throw fail("expected ',' or '}' after a member, found \(Self.show(byte))")
                }
                advance()
                if byte == UInt8(ascii: "}") { return .object(members) }
            }
        }

        mutating func array(depth: Int) throws(DefinitionError) -> JSONNode.Value {
            advance()
            var elements: [JSONNode] = []
            skipSpace()
            if peek == UInt8(ascii: "]") { advance(); return .array(elements) }
            while true {
                skipSpace()
                elements.append(try value(depth: depth))
                skipSpace()
                guard let byte = peek else { throw fail("unexpected end of the text; expected ',' or ']'") }
                guard byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]") else {
                    throw fail("expected ',' or ']' after an element, found \(Self.show(byte))")
                }
                advance()
                if byte == UInt8(ascii: "]") { return .array(elements) }
            }
        }

        mutating func string() throws(DefinitionError) -> (String, [TextPosition]) {
            let open = position
            advance()
            var scalars = String.UnicodeScalarView()
            var positions: [TextPosition] = []
            while true {
                let here = position
                guard let byte = peek else { throw fail("unterminated string (opened at \(open))") }
                if byte == UInt8(ascii: "\"") {
                    positions.append(here)
                    advance()
                    return (String(scalars), positions)
                }
                if byte < 0x20 { throw fail("control character \(Self.show(byte)) in a string; write it as an escape") }
                let scalar: Unicode.Scalar
                if byte == UInt8(ascii: "\\") {
                    scalar = try escape()
                } else {
                    scalar = try utf8Scalar()
                }
                scalars.append(scalar)
                positions.append(here)
            }
        }

        mutating func escape() throws(DefinitionError) -> Unicode.Scalar {
            let start = position
            advance()
            guard let byte = peek else { throw fail("unterminated escape") }
            advance()
            switch byte {
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "u"):
                let high = try hex4()
                if (0xD800...0xDBFF).contains(high) {
                    guard peek == UInt8(ascii: "\\") else { throw fail("unpaired surrogate escape", at: start) }
                    advance()
                    guard peek == UInt8(ascii: "u") else { throw fail("unpaired surrogate escape", at: start) }
                    advance()
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate escape", at: start) }
                    return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
                }
                guard let scalar = Unicode.Scalar(high) else { throw fail("unpaired surrogate escape", at: start) }
                return scalar
            default:
                throw fail("invalid escape '\\\(Self.show(byte))'", at: start)
            }
        }

        mutating func hex4() throws(DefinitionError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = peek, let digit = Self.hexDigit(byte) else { throw fail("expected four hex digits after \\u") }
                value = value << 4 | digit
                advance()
            }
            return value
        }

        /// One UTF-8 encoded scalar; malformed or overlong sequences are refused.
        mutating func utf8Scalar() throws(DefinitionError) -> Unicode.Scalar {
            let start = position
            let lead = bytes[index]
            let (length, initial): (Int, UInt32) = switch lead {
            case 0x00...0x7F: (1, UInt32(lead))
            case 0xC2...0xDF: (2, UInt32(lead & 0x1F))
            case 0xE0...0xEF: (3, UInt32(lead & 0x0F))
            case 0xF0...0xF4: (4, UInt32(lead & 0x07))
            default: (0, 0)
            }
            guard length > 0, index + length <= bytes.count else { throw fail("invalid UTF-8", at: start) }
            var value = initial
            for offset in 1..<length {
                let byte = bytes[index + offset]
                guard byte & 0xC0 == 0x80 else { throw fail("invalid UTF-8", at: start) }
                value = value << 6 | UInt32(byte & 0x3F)
            }
            let minimum: UInt32 = [0, 0, 0x80, 0x800, 0x10000][length]
            guard value >= minimum, let scalar = Unicode.Scalar(value) else { throw fail("invalid UTF-8", at: start) }
            for _ in 0..<length { advance() }
            return scalar
        }

        mutating func number() throws(DefinitionError) -> Double {
            let start = position
            let begin = index
            if peek == UInt8(ascii: "-") { advance() }
            guard let first = peek, Self.isDigit(first) else { throw fail("invalid number", at: start) }
            advance()
            if first != UInt8(ascii: "0") { while let byte = peek, Self.isDigit(byte) { advance() } }
            if peek == UInt8(ascii: ".") {
                advance()
                guard let byte = peek, Self.isDigit(byte) else { throw fail("invalid number: expected a digit after '.'", at: start) }
                while let byte = peek, Self.isDigit(byte) { advance() }
            }
            if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
                advance()
                if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { advance() }
                guard let byte = peek, Self.isDigit(byte) else { throw fail("invalid number: expected an exponent", at: start) }
                while let byte = peek, Self.isDigit(byte) { advance() }
            }
            guard index - begin <= 64, let value = Double(String(decoding: bytes[begin..<index], as: UTF8.self)), value.isFinite else {
                throw fail("number out of range", at: start)
            }
            return value
        }

        static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

        static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case 0x30...0x39: UInt32(byte - 0x30)
            case 0x41...0x46: UInt32(byte - 0x41 + 10)
            case 0x61...0x66: UInt32(byte - 0x61 + 10)
            default: nil
            }
        }

        static func show(_ byte: UInt8) -> String {
            (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x" + String(byte, radix: 16, uppercase: true)
        }
    }
}
