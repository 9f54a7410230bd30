import HTTPServer
import LossCore
import LossExpressions
import TensorCodecs

/// The operator routes on loss definitions: `PUT`/`DELETE /v1/losses/{name}` and the KServe /
/// Triton model-repository extension. They are open to anyone who can reach the port until the
/// auth issue adds an admin token; `--read-only-losses` turns the changing ones off (403).
extension LossService {
    /// `PUT /v1/losses/{name}`: the body is the definition. 201 with `Location` when new, 200 when
    /// it replaced one; the body is the loss's catalog entry.
    @Sendable static func putDefinition(_ service: LossService, _ match: RouteMatch, _ request: HTTPRequest) throws(ServiceError) -> HTTPResponse {
        let name = try match.requireName()
        try checkDefinitionBody(request)
        let (definition, created) = try service.library.define(name, source: request.body)
        var response = json(LossCatalog.describe(definition.descriptor), status: created ? .created : .ok)
        if created { response.headers.set("Location", "/v1/losses/\(name)") }
        return response
    }

    /// `DELETE /v1/losses/{name}`: 204.
    @Sendable static func deleteDefinition(_ service: LossService, _ match: RouteMatch, _: HTTPRequest) throws(ServiceError) -> HTTPResponse {
        try service.library.remove(try match.requireName())
        return HTTPResponse(status: .noContent)
    }

    /// `POST /v2/repository/index`: every model (built-in and custom) with `state` `READY` — all
    /// of them are; `{"ready": true}` in the body changes nothing.
    @Sendable static func repositoryIndex(_ service: LossService, _: RouteMatch, _ request: HTTPRequest) throws(ServiceError) -> HTTPResponse {
        _ = try repositoryParameters(request, allowed: [])
        let snapshot = service.library.snapshot
        var writer = JSONWriter(reservingCapacity: 4096)
        writer.beginArray()
        for name in snapshot.registry.descriptors.map(\.name) + snapshot.custom.keys.sorted() {
            writer.beginObject()
            writer.key("name"); writer.string(name)
            writer.key("version"); writer.string(KServeModelMetadata.modelVersion)
            writer.key("state"); writer.string("READY")
            writer.endObject()
        }
        writer.endArray()
        return json(writer.bytes)
    }

    /// `POST /v2/repository/models/{name}/load`: with `parameters.config` (the definition as a
    /// JSON string, as `tritonclient` sends it) defines or replaces the loss; without it, 200 for a
    /// loss that exists (it is loaded) and 404 otherwise.
    @Sendable static func repositoryLoad(_ service: LossService, _ match: RouteMatch, _ request: HTTPRequest) throws(ServiceError) -> HTTPResponse {
        let name = try match.requireName()
        let parameters = try repositoryParameters(request, allowed: ["config"])
        guard let config = parameters["config"], !config.isNull else {
            guard match.loss != nil else {
                var error = service.library.snapshot.unknownLoss(name)
                error.message += "; to define it, send its definition as parameters.config"
                throw error
            }
            return HTTPResponse(status: .ok)
        }
        guard let text = config.stringValue else {
            throw ServiceError(.unprocessableContent, code: "invalid_parameter",
                               "parameters.config must be a string holding the definition's JSON, got \(config.kindName)", field: "config")
        }
        _ = try service.library.define(name, source: Array(text.utf8))
        return HTTPResponse(status: .ok)
    }

    /// `POST /v2/repository/models/{name}/unload`: removes a custom loss (and its file): lossd
    /// keeps no unloaded models. Built-in losses cannot be unloaded (409).
    @Sendable static func repositoryUnload(_ service: LossService, _ match: RouteMatch, _ request: HTTPRequest) throws(ServiceError) -> HTTPResponse {
        _ = try repositoryParameters(request, allowed: ["unload_dependents"])
        try service.library.remove(try match.requireName())
        return HTTPResponse(status: .ok)
    }

    /// A definition body's size and media type: at most ``LossDefinition/maxBytes`` (413); JSON, unlabelled or
    /// curl's default form type, else 415.
    static func checkDefinitionBody(_ request: HTTPRequest) throws(ServiceError) {
        guard request.body.count <= LossDefinition.maxBytes else {
            throw ServiceError(.payloadTooLarge, code: "definition_too_large",
                               "a definition is at most \(LossDefinition.maxBytes) bytes, this body has \(request.body.count)")
        }
        if let type = request.headers["Content-Type"] {
            let media = type.split(separator: ";").first.map { String($0).trimmingHTTPWhitespaceForService().lowercased() } ?? ""
            // curl -d/--data-binary labels any body form-urlencoded; accept it rather than make every
            // shell user add a header (the body is parsed as JSON either way).
            guard media == "application/json" || media == "application/x-www-form-urlencoded" || media.isEmpty else {
                throw ServiceError(.unsupportedMediaType, code: "unsupported_media_type",
                                   "a definition is application/json, got '\(type.prefix(64))'", field: "Content-Type")
            }
        }
    }

    /// The `parameters` object of a repository request body (empty body: none).
    /// - Throws: ``ServiceError`` 400 for malformed JSON, 422 for other members or parameters.
    static func repositoryParameters(_ request: HTTPRequest, allowed: Set<String>) throws(ServiceError) -> JSONObject {
        try checkDefinitionBody(request)
        guard !request.body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return JSONObject() }
        let root: JSONValue
        do {
            root = try JSONParser.parse(request.body)
        } catch {
            throw ServiceError(.badRequest, code: "malformed_json", "malformed JSON: \(error)")
        }
        guard let object = root.objectValue else {
            throw ServiceError(.unprocessableContent, code: "invalid_body", "the body must be a JSON object, got \(root.kindName)")
        }
        for (key, _) in object where key != "parameters" && key != "ready" {
            throw ServiceError(.unprocessableContent, code: "unknown_member", "unknown member '\(key.prefix(64))'", field: String(key.prefix(64)))
        }
        guard let parameters = object["parameters"], !parameters.isNull else { return JSONObject() }
        guard let members = parameters.objectValue else {
            throw ServiceError(.unprocessableContent, code: "invalid_parameter", "'parameters' must be an object", field: "parameters")
        }
        for (key, _) in members where !allowed.contains(key) {
            let known = allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", ")
            throw ServiceError(.unprocessableContent, code: "unknown_parameter",
                               "unknown parameter '\(key.prefix(64))' (lossd takes \(known); model files are not supported)", field: String(key.prefix(64)))
        }
        return members
    }
}
