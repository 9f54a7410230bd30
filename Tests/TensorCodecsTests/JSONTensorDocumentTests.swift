import Foundation
import LossCore
import Testing
@testable import TensorCodecs

/// The direct tensor parser (``JSONTensorDocument``) against the path it replaces: parse to a
/// `JSONValue`, then ``JSONTensorDecoder`` per member. Same tensors bit for bit, same errors.
@Suite struct JSONTensorDocumentTests {
    static let fields: [String: DTypeDefault] = ["input": .float32, "target": .inferred, "weight": .fixed(.float64)]

    /// What the old path gives for one member: the tensor, nil, or the error message.
    enum Outcome: Equatable, CustomStringConvertible {
        case tensor(shape: [Int], dtype: DType, bits: [UInt64])
        case absent
        case decodingError(String)

        init(_ body: () throws(TensorDecodingError) -> Tensor?) {
            do {
                if let tensor = try body() {
                    self = .tensor(shape: tensor.shape, dtype: tensor.dtype, bits: bitPatterns(tensor))
                } else {
                    self = .absent
                }
            } catch {
                self = .decodingError("\(error.field): \(error.message)")
            }
        }

        var description: String {
            switch self {
            case .tensor(let shape, let dtype, let bits): "\(dtype)\(shape) \(bits.prefix(8))"
            case .absent: "absent"
            case .decodingError(let message): "error \(message)"
            }
        }
    }

    /// Checks one document both ways; returns which members the fast path parsed itself.
    @discardableResult
    func expectSameAsJSONValuePath(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Set<String> {
        let bytes = Array(text.utf8)
        let old: Result<JSONValue, JSONParseError> = Result { () throws(JSONParseError) -> JSONValue in try JSONParser.parse(bytes) }
        let new: Result<JSONTensorDocument, JSONParseError> = Result { () throws(JSONParseError) -> JSONTensorDocument in
            try JSONTensorDocument(parsing: bytes, tensorFields: Self.fields)
        }
        switch (old, new) {
        case (.failure(let a), .failure(let b)):
            #expect(a == b, "\(text.prefix(120))", sourceLocation: sourceLocation)
            return []
        case (.success(let root), .success(let document)):
            var direct: Set<String> = []
            for (name, dtypeDefault) in Self.fields {
                let expected = Outcome { () throws(TensorDecodingError) -> Tensor? in
                    try JSONTensorDecoder.decodeIfPresent(root[name], field: name, dtypeDefault: dtypeDefault)
                }
                let actual = Outcome { () throws(TensorDecodingError) -> Tensor? in try document.tensor(name) }
                #expect(actual == expected, "\(name) in \(text.prefix(120))", sourceLocation: sourceLocation)
                if document.wasParsedDirectly(name) { direct.insert(name) }
            }
            // Everything else in the document is the same value; tensor members are null placeholders.
            if let object = root.objectValue {
                let placeholders = JSONObject(object.map { ($0.key, Self.fields[$0.key] == nil ? $0.value : JSONValue.null) })
                #expect(document.root == placeholders.map(JSONValue.object), sourceLocation: sourceLocation)
            } else {
                #expect(document.root == root, sourceLocation: sourceLocation)
            }
            return direct
        default:
            Issue.record("one path failed, the other did not: \(old) vs \(new) for \(text.prefix(120))", sourceLocation: sourceLocation)
            return []
        }
    }

    @Test("Typical requests take the direct path and match the JSONValue path")
    func typicalRequests() {
        let direct = expectSameAsJSONValuePath(#"""
        {"input": {"shape": [2, 2], "dtype": "float32", "data": [0.10000000149011612, -2.5, 1e-05, 3]},
         "target": [[0, 1], [1, 0]], "weight": [[0.5, 0.25], [1, 2]], "params": {"reduction": "mean"}}
        """#)
        #expect(direct == ["input", "target", "weight"])
        #expect(expectSameAsJSONValuePath(#"{"input": [1, 2, 3], "target": [true, false, true]}"#) == ["input", "target"])
        #expect(expectSameAsJSONValuePath(#"{"input": [[1.5]], "target": {"dtype": "uint8", "data": [[0], [1]]}}"#).contains("target"))
        #expect(expectSameAsJSONValuePath(#"{"target": {"data": [0, 1, 2], "dtype": "float64", "shape": [3]}}"#) == ["target"])
        #expect(expectSameAsJSONValuePath(#"{"input": ["NaN", "-Infinity", 1, true]}"#) == ["input"])
        #expect(expectSameAsJSONValuePath(#"{"target": [0.5, 1, "inf"]}"#) == ["target"])
        #expect(expectSameAsJSONValuePath(#"{"target": {"dtype": "bool", "data": [0, 1, true, 1.0, -0]}}"#) == ["target"])
        #expect(expectSameAsJSONValuePath(#"{"target": {"dtype": "int32", "data": [-2147483648, 2147483647, 1e3, 2.0]}}"#) == ["target"])
        #expect(expectSameAsJSONValuePath(#"{"target": {"dtype": "float16", "data": [0.1, 65504, 1e9]}}"#) == ["target"])
        #expect(expectSameAsJSONValuePath(#"{"target": {"dtype": "bfloat16", "data": [0.1, -3.5e38]}}"#) == ["target"])
    }

    @Test(arguments: [
        // Declined by the direct path, decoded (or rejected) by the JSONValue path all the same.
        #"{"target": [[1, 2], [3]]}"#, #"{"target": [[1, 2], 3]}"#, #"{"target": [1, [2]]}"#,
        #"{"target": [[[1]], [[1], [2]]]}"#, #"{"input": {"shape": [2, 3], "data": [1, 2, 3, 4, 5]}}"#,
        #"{"input": {"shape": [4294967296, 4294967296], "data": []}}"#, #"{"input": {"shape": [-1], "data": []}}"#,
        #"{"input": {"shape": [1.5], "data": [1]}}"#, #"{"input": {"shape": [1], "dtype": "complex64", "data": [1]}}"#,
        #"{"input": {"shape": [1], "dtype": 3, "data": [1]}}"#, #"{"input": {"shape": [1]}}"#,
        #"{"input": {"shape": [1], "data": [1], "extra": 1}}"#, #"{"input": {"dtype": "int64", "data": [1.5]}}"#,
        #"{"input": {"dtype": "int64", "data": [1e19]}}"#, #"{"input": {"dtype": "int32", "data": [0, 2147483648]}}"#,
        #"{"input": {"dtype": "uint8", "data": [-1]}}"#, #"{"input": {"dtype": "uint8", "data": [256]}}"#,
        #"{"input": {"dtype": "int64", "data": ["NaN"]}}"#, #"{"input": [1, "one"]}"#, #"{"input": [1, null]}"#,
        #"{"input": null}"#, #"{"input": [{}]}"#, #"{"input": 2.5}"#, #"{"target": 2}"#, #"{"target": 2.0}"#,
        #"{"input": []}"#, #"{"input": [[], []]}"#, #"{"target": []}"#, #"{"input": "-inf"}"#,
        #"{"target": [1.0, true]}"#, #"{"target": [[1.0], [true]]}"#, #"{"target": [-0, 1.5]}"#, #"{"target": [-0, 1]}"#,
        #"{"target": [12345678901234567890]}"#, #"{"target": [9007199254740993, 1]}"#, #"{"target": [9007199254740993, 0.5]}"#,
        #"{"target": [1e400]}"#, #"{"target": {"dtype": "bool", "data": [2]}}"#, #"{"target": {"dtype": "bool", "data": [-1]}}"#,
        #"{"input": {"data": [1, 2], "shape": [2], "dtype": "int64"}}"#, #"{"input": {"data": [1.5, 2], "dtype": "int64"}}"#,
        #"{"input": {"dtype": null, "shape": null, "data": [1]}}"#, #"{"input": {"data": null}}"#, #"{"input": {}}"#,
        #"{"input": {"data": [1], "data": [2]}}"#, #"{"input": [1, 2,]}"#, #"{"input": [1 2]}"#, #"{"input": [01]}"#,
        #"{"input": [1.]}"#, #"{"input": [-]}"#, #"{"input": [tru]}"#, #"{"input": ["NaN]}"#, #"{"input": [1e5"#,
        #"{"input": [1], "input": [2]}"#, #"{"input": [1]} x"#, #"[1, 2]"#, #"  "#, #"{"weight": [[1, 2], [3, 4]]}"#,
        #"{"input": [[1, 2], [3, 4]], "target": {"shape": [2, 2], "data": [[0, 1], [1, 0]]}}"#,
        #"{"input": {"shape": [2, 2], "data": [1, 2, 3, 4]}, "target": {"shape": [4], "data": [[1, 2], [3, 4]]}}"#,
        #"{"input": ["nan", "+inf", "INFINITY", "-Inf"], "target": ["\u004eaN"]}"#, #"{"input": [1.0e+2, -0.0, 5e-324, 1.7976931348623157e308]}"#,
    ])
    func unusualDocumentsMatchTheJSONValuePath(_ text: String) {
        expectSameAsJSONValuePath(text)
    }

    @Test("Nesting deeper than the limit is the same error")
    func depthLimit() {
        let deep = "{\"input\": " + String(repeating: "[", count: 200) + "1" + String(repeating: "]", count: 200) + "}"
        expectSameAsJSONValuePath(deep)
        let bytes = Array("{\"input\": [[[[1]]]]}".utf8)
        #expect(throws: JSONParseError.self) { try JSONTensorDocument(parsing: bytes, tensorFields: Self.fields, maxDepth: 4) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes, maxDepth: 4) }
        #expect((try? JSONTensorDocument(parsing: bytes, tensorFields: Self.fields, maxDepth: 5)) != nil)
    }

    @Test("Random tensors of every dtype, shape and spelling match the JSONValue path")
    func randomTensors() {
        var generator = SplitMix64(seed: 301)
        let dtypes: [String?] = [nil, "float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8", "bool", "double", "long"]
        var directCount = 0
        for round in 0..<3_000 {
            let rank = Int(generator.next() % 4)
            let shape = (0..<rank).map { _ in 1 + Int(generator.next() % 4) }
            let count = shape.reduce(1, *)
            let style = generator.next() % 6
            let elements = (0..<count).map { _ in Self.randomElement(&generator, style: style) }
            let nested = Self.nest(elements, shape: shape)
            let dtype = dtypes[Int(generator.next() % UInt64(dtypes.count))]
            let member: String
            switch generator.next() % 4 {
            case 0: member = nested
            case 1: member = "{\"shape\": \(shape), \"data\": \(nested)" + (dtype.map { ", \"dtype\": \"\($0)\"" } ?? "") + "}"
            case 2: member = "{" + (dtype.map { "\"dtype\": \"\($0)\", " } ?? "") + "\"data\": [\(elements.joined(separator: ", "))], \"shape\": \(shape)}"
            default: member = "{\"data\": \(nested)}"
            }
            let name = ["input", "target", "weight"][round % 3]
            let separator = [",", ", ", " ,\n "][Int(generator.next() % 3)]
            let text = "{\"\(name)\": \(member.replacingOccurrences(of: ", ", with: separator)), \"params\": {}}"
            if !expectSameAsJSONValuePath(text).isEmpty { directCount += 1 }
        }
        // Most documents are well-formed tensors and must take the direct path.
        #expect(directCount > 1_500)
    }

    static func randomElement(_ generator: inout SplitMix64, style: UInt64) -> String {
        let raw = generator.next()
        switch style {
        case 0: return String(raw % 2)  // a mask
        case 1: return String(Int64(bitPattern: raw) >> Int64(raw % 64))  // integers of every size
        case 2: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw) & 0xBFFF_FFFF)).description  // Python-style floats
        case 3: return ["true", "false", "0", "1", "1.0", "-0", "2", "0.5"][Int(raw % 8)]
        case 4: return ["\"NaN\"", "\"-Infinity\"", "1e-400", "-1e2", "3.4e38", "65504", "1E+1"][Int(raw % 7)]
        default: return Float(bitPattern: UInt32(truncatingIfNeeded: raw)).isFinite ? "\(Float(bitPattern: UInt32(truncatingIfNeeded: raw)))" : "0"
        }
    }

    static func nest(_ elements: [String], shape: [Int]) -> String {
        guard let first = shape.first else { return elements.first ?? "0" }
        let size = elements.count / max(first, 1)
        let parts = (0..<first).map { index in nest(Array(elements[index * size..<(index + 1) * size]), shape: Array(shape.dropFirst())) }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    @Test("A large float32 input (Python's json.dumps text) parses directly and exactly")
    func largeFloat32Input() throws {
        var generator = SplitMix64(seed: 302)
        let values = (0..<50_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0xBEFF_FFFF) }
        let text = "{\"input\": [" + values.map { Double($0).description }.joined(separator: ", ") + "]}"
        let document = try JSONTensorDocument(parsing: Array(text.utf8), tensorFields: Self.fields)
        #expect(document.wasParsedDirectly("input"))
        let tensor = try #require(try document.tensor("input"))
        #expect(tensor.shape == [values.count])
        #expect(tensor.storage == .float32(values))
    }

    @Test("Float32 storage is the double narrowed, as torch.tensor(python_floats, dtype=float32); it differs from Float(String) only at float32 midpoints")
    func float32RoundingIsThroughTheDouble() throws {
        // 1 + 2^-24 is exactly halfway between 1 and the next float; its shortest double text is a
        // little above it. Through the double (what torch does with a Python float) the tie goes
        // to even, 1.0; Float("1.0000000596046448") rounds the decimal directly, up.
        let tie = try JSONTensorDocument(parsing: Array(#"{"input": [1.0000000596046448]}"#.utf8), tensorFields: Self.fields)
        #expect(try tie.tensor("input")?.storage == .float32([1.0]))
        #expect(Float("1.0000000596046448") == 1.0000001)
        // Random decimals of 9–25 significant digits: equal to Float(Double(text)) always, and to
        // Float(text) unless the double is exactly a float32 midpoint (where double rounding decides).
        var generator = SplitMix64(seed: 303)
        var literals: [String] = []
        for index in 0..<20_000 {
            let digits = 9 + Int(generator.next() % 17)
            var text = String(1 + generator.next() % 9)
            for _ in 1..<digits { text.append(Character(String(generator.next() % 10))) }
            let exponent = Int(generator.next() % 90) - 45 - digits
            // Every fourth literal sits on a float32 midpoint's expansion, cut at 9–25 digits.
            if index % 4 == 0 {
                let float = Float(bitPattern: UInt32(truncatingIfNeeded: generator.next()) & 0x3FFF_FFFF | 0x0080_0000)
                let midpoint = DecimalExpansion.midpointAbove(float)
                let e = midpoint.firstIndex(of: "e")!
                let all = midpoint[..<e]
                let keep = min(all.count, digits)
                literals.append(String(all.prefix(keep)) + "e\(Int(midpoint[midpoint.index(after: e)...])! + all.count - keep)")
            } else {
                literals.append(text + "e\(exponent)")
            }
        }
        let text = "{\"input\": [" + literals.joined(separator: ", ") + "]}"
        let document = try JSONTensorDocument(parsing: Array(text.utf8), tensorFields: Self.fields)
        #expect(document.wasParsedDirectly("input"))
        guard case .float32(let parsed)? = try document.tensor("input")?.storage else { Issue.record("not float32"); return }
        var midpointCases = 0
        var otherDifferences = 0
        for (index, (literal, value)) in zip(literals, parsed).enumerated() {
            let double = Double(literal)!
            #expect(value.bitPattern == Float(double).bitPattern, "\(literal)")
            let direct = Float(literal)!
            if value != direct {
                // Only where the double is exactly halfway between two floats.
                #expect(Self.isFloat32Midpoint(double), "\(literal): \(value) vs Float(String) \(direct)")
                if index % 4 == 0 { midpointCases += 1 } else { otherDifferences += 1 }
            }
        }
        // The constructed cases do show the difference (a truncated midpoint expansion of 17+
        // digits reads as the midpoint double); random decimals never did.
        #expect(midpointCases > 0)
        #expect(otherDifferences == 0)
    }

    /// Whether `value` lies exactly halfway between two adjacent floats.
    static func isFloat32Midpoint(_ value: Double) -> Bool {
        let magnitude = value.magnitude
        let nearest = Double(Float(magnitude))
        guard nearest != magnitude else { return false }
        let below: Double = nearest < magnitude ? nearest : Double(Float(magnitude).nextDown)
        let above: Double = nearest < magnitude ? Double(Float(magnitude).nextUp) : nearest
        return (below + above) / 2 == magnitude
    }
}
