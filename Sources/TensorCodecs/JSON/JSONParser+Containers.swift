extension JSONParser {
    /// Objects larger than this check key uniqueness with a set instead of a scan.
    private static let linearKeyCheckLimit = 16

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        position += 1
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        guard position < input.count else {
            throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside an array")
        }
        if isNumberStart(input[position]) {
            if let numbers = try parseNumberRun() { return numbers }
        }
        return .array(try parseArrayElements(continuing: []))
    }

    /// Parses an array made only of number literals into the compact form.
    /// - Returns: `nil` when a non-number element appears; the parser is then rewound to the array start.
    private mutating func parseNumberRun() throws(JSONParseError) -> JSONValue? {
        let firstElement = position
        var values: [Double] = []
        var allIntegral = true
        while true {
            let (value, integral) = try parseNumber()
            values.append(value)
            allIntegral = allIntegral && integral
            skipWhitespace()
            guard position < input.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside an array")
            }
            let separator = input[position]
            if separator == UInt8(ascii: "]") {
                position += 1
                return .numbers(values, integral: allIntegral)
            }
            guard separator == UInt8(ascii: ",") else {
                throw JSONParseError(.unexpectedCharacter, at: position, "expected ',' or ']' after an array element, found \(describeByte(at: position))")
            }
            position += 1
            skipWhitespace()
            guard position < input.count, isNumberStart(input[position]) else {
                try rejectTrailingComma(closing: UInt8(ascii: "]"))
                // A mixed array: start over on the general path (rare, so the rescan is cheap enough).
                position = firstElement
                return nil
            }
        }
    }

    private mutating func parseArrayElements(continuing initial: [JSONValue]) throws(JSONParseError) -> [JSONValue] {
        var elements = initial
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            guard position < input.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside an array")
            }
            if input[position] == UInt8(ascii: "]") {
                position += 1
                return elements
            }
            guard input[position] == UInt8(ascii: ",") else {
                throw JSONParseError(.unexpectedCharacter, at: position, "expected ',' or ']' after an array element, found \(describeByte(at: position))")
            }
            position += 1
            try rejectTrailingComma(closing: UInt8(ascii: "]"))
        }
    }

    /// Parses an object at `position`.
    /// - Parameter tensorFields: For the top-level object of a ``JSONTensorDocument`` only: members
    ///   with these names are parsed as tensors into ``tensorSlots`` and stored as `null`.
    mutating func parseObject(tensorFields: [String: DTypeDefault]? = nil) throws(JSONParseError) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        position += 1
        var object = JSONObject()
        var seenKeys: Set<String>? = nil
        skipWhitespace()
        if position < input.count, input[position] == UInt8(ascii: "}") {
            position += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard position < input.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside an object")
            }
            guard input[position] == UInt8(ascii: "\"") else {
                throw JSONParseError(.unexpectedCharacter, at: position, "expected a string key, found \(describeByte(at: position))")
            }
            let keyOffset = position
            let key = try parseString()
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: ":") else {
                throw JSONParseError(position < input.count ? .unexpectedCharacter : .unexpectedEnd, at: position,
                                     "expected ':' after key \"\(key)\", found \(describeByte(at: position))")
            }
            position += 1
            let value: JSONValue
            if let tensorFields, let dtypeDefault = tensorFields[key] {
                tensorSlots[key] = try parseTensorMember(dtypeDefault: dtypeDefault)
                value = .null
            } else {
                value = try parseValue()
            }
            if object.count >= Self.linearKeyCheckLimit {
                if seenKeys == nil { seenKeys = Set(object.keys) }
                guard seenKeys?.insert(key).inserted ?? true else { throw duplicate(key, at: keyOffset) }
            } else if object.contains(key) {
                throw duplicate(key, at: keyOffset)
            }
            object.appendUnchecked(key, value)
            skipWhitespace()
            guard position < input.count else {
                throw JSONParseError(.unexpectedEnd, at: position, "unexpected end of input inside an object")
            }
            if input[position] == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            }
            guard input[position] == UInt8(ascii: ",") else {
                throw JSONParseError(.unexpectedCharacter, at: position, "expected ',' or '}' after an object member, found \(describeByte(at: position))")
            }
            position += 1
            try rejectTrailingComma(closing: UInt8(ascii: "}"))
        }
    }

    private func duplicate(_ key: String, at offset: Int) -> JSONParseError {
        JSONParseError(.duplicateKey, at: offset, "duplicate key \"\(key)\"")
    }

    /// After a comma: skips whitespace and fails when the container closes right away.
    private mutating func rejectTrailingComma(closing: UInt8) throws(JSONParseError) {
        skipWhitespace()
        if position < input.count, input[position] == closing {
            throw JSONParseError(.trailingComma, at: position, "trailing comma before '\(Character(Unicode.Scalar(closing)))'")
        }
    }

    func isNumberStart(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}
