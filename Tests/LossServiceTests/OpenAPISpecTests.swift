import Foundation
import LossCore
import LossService
import Testing
import Yams

/// openapi.yaml must agree with the loss registry, and the binary must serve it unchanged.
///
/// When one of these fails after a change to a loss, regenerate the spec from a running server:
/// `python3 .ci/gen_openapi_losses.py http://127.0.0.1:PORT` (see the top of openapi.yaml).
@Suite struct OpenAPISpecTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let specURL = repositoryRoot.appendingPathComponent("openapi.yaml")
    /// The parsed document (parsed per test: `[String: Any]` cannot be a shared static).
    let spec: [String: Any]
    var schemas: [String: Any] {
        (spec["components"] as? [String: Any])?["schemas"] as? [String: Any] ?? [:]
    }

    init() throws {
        let text = try String(contentsOf: Self.specURL, encoding: .utf8)
        spec = try #require(try Yams.load(yaml: text) as? [String: Any], "openapi.yaml is not a YAML mapping")
    }

    static let descriptors = LossRegistry.standard.descriptors

    /// `bce_with_logits` → `BceWithLogitsParams`, the rule the generator follows.
    static func paramsSchemaName(_ lossName: String) -> String {
        lossName.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Params"
    }

    @Test("the document compiled into the binary is openapi.yaml byte for byte")
    func embeddedDocumentEqualsFile() throws {
        try Self.expectSameBytes(Array(OpenAPIDocument.yaml.utf8), "OpenAPIDocument.yaml")
    }

    @Test("GET /openapi.yaml serves openapi.yaml byte for byte")
    func servedDocumentEqualsFile() async throws {
        let live = try LiveService()
        let reply = try await live.send("GET", "/openapi.yaml", headers: ["Accept-Encoding": "identity"])
        #expect(reply.status == 200)
        #expect(reply.headers["content-type"] == "application/yaml")
        try Self.expectSameBytes(Array(reply.body), "GET /openapi.yaml")
    }

    /// Expects `bytes` to equal openapi.yaml on disk, reporting the first differing offset rather
    /// than printing both whole documents as byte arrays.
    static func expectSameBytes(_ bytes: [UInt8], _ what: String) throws {
        let file = try Data(contentsOf: specURL)
        #expect(!file.isEmpty)
        let firstDifference = zip(file, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(file.count, bytes.count)
        let identical = file.count == bytes.count && firstDifference == file.count
        // The EmbedOpenAPI build-tool plugin declares openapi.yaml as its input, so a mismatch
        // means the build did not rerun it (or the tool changed bytes), not a stale hand copy.
        #expect(identical, """
            \(what) differs from openapi.yaml at byte \(firstDifference) \
            (\(bytes.count) vs \(file.count) bytes): the EmbedOpenAPI plugin (Plugins/) embeds it at build time
            """)
    }

    @Test("the document is OpenAPI 3.1 and documents every route of the service")
    func documentsEveryRoute() throws {
        #expect(spec["openapi"] as? String == "3.1.0")
        let paths = try #require(spec["paths"] as? [String: Any])
        let expected: [String: [String]] = [
            "/healthz": ["get"], "/readyz": ["get"], "/metrics": ["get"], "/openapi.yaml": ["get"],
            "/v1/losses": ["get"], "/v1/losses/{name}": ["get", "post", "put", "delete"],
            "/v2": ["get"], "/v2/health/live": ["get"], "/v2/health/ready": ["get"],
            "/v2/models/{name}": ["get"], "/v2/models/{name}/ready": ["get"], "/v2/models/{name}/infer": ["post"],
            "/v2/models/{name}/versions/{version}": ["get"], "/v2/models/{name}/versions/{version}/ready": ["get"],
            "/v2/models/{name}/versions/{version}/infer": ["post"],
            "/v2/repository/index": ["post"], "/v2/repository/models/{name}/load": ["post"],
            "/v2/repository/models/{name}/unload": ["post"],
        ]
        #expect(Set(paths.keys) == Set(expected.keys))
        for (path, methods) in expected {
            let item = try #require(paths[path] as? [String: Any], "\(path)")
            for method in methods { #expect(item[method] is [String: Any], "\(method) \(path)") }
        }
    }

    @Test("LossName enumerates every canonical name and alias, in registry order")
    func lossNameEnumMatchesRegistry() throws {
        let lossName = try #require(schemas["LossName"] as? [String: Any])
        let names = Self.descriptors.flatMap { [$0.name] + $0.aliases }
        #expect(lossName["enum"] as? [String] == names)
    }

    @Test("there is one Params schema per registered loss and no other")
    func paramsSchemasMatchRegistry() {
        let documented = Set(schemas.keys.filter { $0.hasSuffix("Params") && $0 != "LossParams" })
        #expect(documented == Set(Self.descriptors.map { Self.paramsSchemaName($0.name) }))
    }

    @Test("each loss's Params schema carries its names, summary, inputs and every parameter's type, default and range",
          arguments: LossRegistry.standard.descriptors.map(\.name))
    func paramsSchemaMatchesDescriptor(lossName: String) throws {
        let descriptor = try #require(Self.descriptors.first { $0.name == lossName })
        let schema = try #require(schemas[Self.paramsSchemaName(lossName)] as? [String: Any],
                                  "openapi.yaml has no \(Self.paramsSchemaName(lossName))")
        #expect(schema["x-loss-name"] as? String == descriptor.name)
        #expect(schema["x-aliases"] as? [String] == descriptor.aliases)
        #expect(schema["description"] as? String == descriptor.summary)
        #expect(schema["x-formula"] as? String == descriptor.formula)
        #expect(schema["additionalProperties"] as? Bool == false)

        let inputs = try #require(schema["x-inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["name"] as? String } == descriptor.inputs.map(\.name))
        for (documented, input) in zip(inputs, descriptor.inputs) {
            #expect(documented["dtypes"] as? [String] == input.dtypes.map(\.rawValue), "\(lossName).\(input.name)")
            #expect(documented["required"] as? Bool == input.required, "\(lossName).\(input.name)")
        }

        let properties = schema["properties"] as? [String: Any] ?? [:]
        #expect(Set(properties.keys) == Set(descriptor.parameters.map(\.name)), "\(lossName) parameter names")
        for parameter in descriptor.parameters {
            let property = try #require(properties[parameter.name] as? [String: Any], "\(lossName).\(parameter.name)")
            ParameterSchemaExpectation(parameter, context: "\(lossName).\(parameter.name)").check(property)
        }
    }
}

/// What the JSON Schema of one parameter must say, derived from its ``ParameterSpec``.
struct ParameterSchemaExpectation {
    let spec: ParameterSpec
    let context: String

    init(_ spec: ParameterSpec, context: String) {
        self.spec = spec
        self.context = context
    }

    /// Records an issue for each way `property` departs from the spec.
    func check(_ property: [String: Any]) {
        #expect(property["description"] as? String == spec.summary, "\(context) description")
        #expect(property["type"] as? [String] == types, "\(context) type")
        #expect(Self.sameValue(property["default"], spec.defaultValue), "\(context) default \(String(describing: property["default"]))")
        switch spec.kind {
        case .number(let range), .integer(let range):
            checkBounds(property, range)
            #expect(property["enum"] == nil, "\(context) enum")
        case .numbers(let range):
            checkBounds(property, range)
            let items = property["items"] as? [String: Any] ?? [:]
            #expect(items["type"] as? String == "number", "\(context) items")
            checkBounds(items, range)
        case .bool:
            checkBounds(property, .any)
        case .choice(let choices):
            let documented = property["enum"] as? [Any] ?? []
            #expect(documented.compactMap { $0 as? String } == choices, "\(context) enum")
            #expect(documented.count == choices.count + 1 && documented.last.map(Self.isNull) == true,
                    "\(context) enum admits null (the default)")
        }
    }

    /// JSON Schema types; every parameter also admits `null`, meaning "use the default".
    private var types: [String] {
        switch spec.kind {
        case .number: ["number", "null"]
        case .integer: ["integer", "null"]
        case .bool: ["boolean", "null"]
        case .choice: ["string", "null"]
        case .numbers: ["array", "number", "null"]
        }
    }

    private func checkBounds(_ schema: [String: Any], _ range: ClosedInterval) {
        let lowerKey = range.lowerInclusive ? "minimum" : "exclusiveMinimum"
        let upperKey = range.upperInclusive ? "maximum" : "exclusiveMaximum"
        for key in ["minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"] {
            let expected: Double? = switch key {
            case lowerKey: range.lower
            case upperKey: range.upper
            default: nil
            }
            #expect(Self.number(schema[key]) == expected, "\(context) \(key)")
        }
    }

    static func isNull(_ value: Any) -> Bool { value is NSNull }

    /// A YAML number as a Double (Yams gives `Int` for integral literals).
    static func number(_ value: Any?) -> Double? {
        switch value {
        case let value as Int: Double(value)
        case let value as Double: value
        default: nil
        }
    }

    /// Whether a YAML value denotes the parameter's default (`nil` = no default = YAML null).
    static func sameValue(_ yaml: Any?, _ value: ParameterValue?) -> Bool {
        switch value {
        case nil, .null?: return yaml == nil || yaml is NSNull
        case .number(let number)?: return self.number(yaml) == number
        case .bool(let flag)?: return yaml as? Bool == flag
        case .string(let text)?: return yaml as? String == text
        case .numbers(let numbers)?:
            guard let list = yaml as? [Any] else { return false }
            return list.map { self.number($0) } == numbers.map { Optional($0) }
        }
    }
}
