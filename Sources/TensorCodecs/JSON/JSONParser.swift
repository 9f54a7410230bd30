/// A strict RFC 8259 JSON parser over raw bytes.
///
/// Strict means: no trailing commas, comments, leading zeros, `NaN` literals or single
/// quotes; strings must be well-formed UTF-8 without raw control characters, escapes
/// must be valid (surrogates paired); only whitespace may follow the document. Nesting
/// deeper than `maxDepth` is an error rather than a stack overflow, and every error
/// carries the byte offset where parsing stopped.
public struct JSONParser {
    /// The nesting limit used when none is given.
    public static let defaultMaxDepth = 128

    let input: UnsafeBufferPointer<UInt8>
    var position = 0
    let maxDepth: Int
    var depth = 0
    /// Fetched once per parse so the number hot path does not go through the lazy global.
    let powers: PowersOfFive
    /// Tensor members of the top-level object, when parsing a ``JSONTensorDocument``.
    var tensorSlots: [String: TensorSlot] = [:]

    init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = maxDepth
        powers = PowersOfFive.shared
    }

    /// Parses one JSON document.
    /// - Parameters:
    ///   - bytes: The whole document, UTF-8.
    ///   - maxDepth: The deepest nesting of arrays and objects allowed.
    /// - Throws: ``JSONParseError`` describing the first problem found.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(input: bytes.bindMemory(to: UInt8.self), maxDepth: maxDepth)
        return try parser.parseDocument()
    }

    /// Parses one JSON document held in an array.
    /// - Parameters:
    ///   - bytes: The whole document, UTF-8.
    ///   - maxDepth: The deepest nesting of arrays and objects allowed.
    /// - Throws: ``JSONParseError`` describing the first problem found.
    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONParseError) -> JSONValue in try parse(raw, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    /// Parses one JSON document held in a string.
    /// - Throws: ``JSONParseError`` describing the first problem found.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    /// Parses the whole input as one value.
    /// - Parameter tensorFields: See ``parseObject(tensorFields:)``; applies when the document is an object.
    mutating func parseDocument(tensorFields: [String: DTypeDefault]? = nil) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard position < input.count else {
            throw JSONParseError(.unexpectedEnd, at: position, "empty document, expected a JSON value")
        }
        let value: JSONValue
        if let tensorFields, input[position] == UInt8(ascii: "{") {
            value = try parseObject(tensorFields: tensorFields)
        } else {
            value = try parseValue()
        }
        skipWhitespace()
        guard position == input.count else {
            throw JSONParseError(.trailingData, at: position, "unexpected \(describeByte(at: position)) after the JSON value")
        }
        return value
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard position < input.count else {
            throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input, expected a value")
        }
        switch input[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber().value)
        default:
            throw JSONParseError(.unexpectedCharacter, at: position, "unexpected \(describeByte(at: position)), expected a value")
        }
    }

    mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = position
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard position < input.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside '\(literal)'")
            }
            guard input[position] == byte else {
                throw JSONParseError(.unexpectedCharacter, at: start, "invalid literal, expected '\(literal)'")
            }
            position += 1
        }
    }

    mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        guard depth <= maxDepth else {
            throw JSONParseError(.tooDeep, at: position, "nesting deeper than \(maxDepth) levels")
        }
    }

    /// `'x'` for printable ASCII, `byte 0xNN` otherwise, `end of input` past the end.
    func describeByte(at offset: Int) -> String {
        guard offset < input.count else { return "end of input" }
        let byte = input[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" + hex : hex)
    }
}
