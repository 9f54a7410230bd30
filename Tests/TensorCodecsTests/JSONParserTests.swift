import Testing
@testable import TensorCodecs

/// Parses a UTF-8 literal.
func parse(_ text: String, maxDepth: Int = JSONParser.defaultMaxDepth) throws(JSONParseError) -> JSONValue {
    try JSONParser.parse(Array(text.utf8), maxDepth: maxDepth)
}

/// The error kind a malformed document produces, or nil when it parses.
func parseErrorKind(_ bytes: [UInt8]) -> JSONParseError.Kind? {
    do {
        _ = try JSONParser.parse(bytes)
        return nil
    } catch {
        return error.kind
    }
}

@Suite struct JSONParserTests {
    @Test func parsesEveryValueKind() throws {
        let value = try parse(#" {"a": null, "b": [true, false], "c": "x\ny", "d": -1.5e3, "e": {}, "f": []} "#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["a", "b", "c", "d", "e", "f"])
        #expect(object["a"] == .null)
        #expect(object["b"] == .array([.bool(true), .bool(false)]))
        #expect(object["c"] == .string("x\ny"))
        #expect(object["d"] == .number(-1500))
        #expect(object["e"] == .object(JSONObject()))
        #expect(object["f"] == .array([]))
    }

    @Test func numberArraysUseTheCompactFormWithIntegralFlag() throws {
        #expect(try parse("[1, -2, 30]") == .numbers([1, -2, 30], integral: true))
        #expect(try parse("[1, 2.0]") == .numbers([1, 2], integral: false))
        #expect(try parse("[1, 2e0]") == .numbers([1, 2], integral: false))
        #expect(try parse("[[1],[2.5]]") == .array([.numbers([1], integral: true), .numbers([2.5], integral: false)]))
    }

    @Test func mixedArraysFallBackToGeneralElements() throws {
        #expect(try parse(#"[1, "NaN", 2]"#) == .array([.number(1), .string("NaN"), .number(2)]))
        #expect(try parse("[1, [2]]") == .array([.number(1), .numbers([2], integral: true)]))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u20AC\ud83d\ude00""#) == .string("é€😀"))
        #expect(try parse("\"é€😀\"") == .string("é€😀"))
    }

    @Test func objectsKeepDocumentOrderAndManyKeys() throws {
        let members = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        let object = try #require(try parse("{\(members)}").objectValue)
        #expect(object.count == 40)
        #expect(object["k39"] == .number(39))
        #expect(object.keys.first == "k0")
    }

    static let malformed: [(String, [UInt8], JSONParseError.Kind)] = [
        ("empty", [], .unexpectedEnd),
        ("truncated object", Array(#"{"a": [1, 2"#.utf8), .unexpectedEnd),
        ("truncated string", Array(#"{"a": "abc"#.utf8), .unexpectedEnd),
        ("truncated literal", Array("[tru".utf8), .unexpectedEnd),
        ("truncated number", Array("[1.".utf8), .unexpectedEnd),
        ("trailing comma array", Array("[1, 2,]".utf8), .trailingComma),
        ("trailing comma mixed array", Array(#"["a",]"#.utf8), .trailingComma),
        ("trailing comma object", Array(#"{"a": 1,}"#.utf8), .trailingComma),
        ("bad escape", Array(#""\x""#.utf8), .invalidEscape),
        ("bad unicode escape", Array(#""\u12G4""#.utf8), .invalidEscape),
        ("lone high surrogate", Array(#""\ud800""#.utf8), .loneSurrogate),
        ("high surrogate then letter", Array(#""\ud800\u0041""#.utf8), .loneSurrogate),
        ("lone low surrogate", Array(#""\udc00""#.utf8), .loneSurrogate),
        ("invalid UTF-8 lead", [0x22, 0xFF, 0x22], .invalidUTF8),
        ("overlong UTF-8", [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8),
        ("UTF-8 surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8),
        ("truncated UTF-8", [0x22, 0xE2, 0x82], .invalidUTF8),
        ("control character", [0x22, 0x61, 0x0A, 0x22], .controlCharacter),
        ("leading zero", Array("[01]".utf8), .invalidNumber),
        ("negative leading zero", Array("-00".utf8), .invalidNumber),
        ("missing fraction digits", Array("1.e5".utf8), .invalidNumber),
        ("missing exponent digits", Array("1e+".utf8), .unexpectedEnd),
        ("bare minus", Array("-x".utf8), .invalidNumber),
        ("leading plus", Array("+1".utf8), .unexpectedCharacter),
        ("leading dot", Array(".5".utf8), .unexpectedCharacter),
        ("NaN literal", Array("[NaN]".utf8), .unexpectedCharacter),
        ("overflowing literal", Array("[1e999]".utf8), .numberOutOfRange),
        ("comment", Array("[1 /* c */]".utf8), .unexpectedCharacter),
        ("single quotes", Array("['a']".utf8), .unexpectedCharacter),
        ("unquoted key", Array("{a: 1}".utf8), .unexpectedCharacter),
        ("missing colon", Array(#"{"a" 1}"#.utf8), .unexpectedCharacter),
        ("duplicate key", Array(#"{"a": 1, "a": 2}"#.utf8), .duplicateKey),
        ("trailing data", Array("[1] [2]".utf8), .trailingData),
        ("missing comma", Array("[1 2]".utf8), .unexpectedCharacter),
        ("deep nesting", Array(String(repeating: "[", count: 100_000).utf8), .tooDeep),
        ("deep objects", Array(String(repeating: #"{"a":"#, count: 200).utf8), .tooDeep),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedDocuments(_ name: String, _ bytes: [UInt8], _ kind: JSONParseError.Kind) {
        #expect(parseErrorKind(bytes) == kind, "\(name)")
    }

    @Test func duplicateKeysAreRejectedInLargeObjectsToo() {
        let members = (0..<30).map { "\"k\($0)\": 0" }.joined(separator: ",")
        #expect(parseErrorKind(Array("{\(members), \"k3\": 1}".utf8)) == .duplicateKey)
    }

    @Test func errorsCarryOffsetAndMessage() {
        #expect(throws: JSONParseError(.trailingComma, at: 6, "trailing comma before ']'")) {
            try parse("[1, 2,]")
        }
        do {
            _ = try parse(#"{"a": 1, "a": 2}"#)
        } catch {
            #expect(error.description == #"duplicate key "a" at byte 9"#)
        }
    }

    @Test func depthLimitIsConfigurable() throws {
        #expect(throws: JSONParseError.self) { try parse("[[[1]]]", maxDepth: 2) }
        #expect(try parse("[[1]]", maxDepth: 2) == .array([.numbers([1], integral: true)]))
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 7)
        let alphabet = Array(#"{}[]":,.-+eE0123456789 \truefalsn"#.utf8) + [0x80, 0xC3, 0xA9, 0x00]
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 24)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = try? JSONParser.parse(bytes)
        }
    }
}

/// A small deterministic generator so randomized tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
