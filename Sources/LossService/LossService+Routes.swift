import HTTPServer
import LossCore

extension LossService {
    /// Maps a request to an immediate answer or a compute job.
    ///
    /// Routes (DESIGN.md §2): `/healthz`, `/readyz`, `/v1/losses`, `/v1/losses/{name}`, and
    /// the KServe v2 routes under `/v2` (``routeKServe(_:segments:)``).
    func route(_ request: HTTPRequest) throws -> Routed {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        if segments.first == "v2" { return try routeKServe(request, segments: segments) }
        switch segments.count {
        case 1 where segments[0] == "healthz":
            try allow(request, ["GET", "HEAD"])
            return .immediate(Self.json(#"{"status":"ok"}"#))
        case 1 where segments[0] == "readyz":
            try allow(request, ["GET", "HEAD"])
            try checkReady()
            return .immediate(Self.json(#"{"status":"ready"}"#))
        case 1 where segments[0] == "openapi.yaml":
            try allow(request, ["GET", "HEAD"])
            return .immediate(HTTPResponse(headers: ["Content-Type": "application/yaml"], body: Self.openAPIBytes))
        case 2 where segments == ["v1", "losses"]:
            try allow(request, ["GET", "HEAD"])
            return .immediate(Self.json(catalog))
        case 3 where segments[0] == "v1" && segments[1] == "losses":
            let name = segments[2].removingPercentEncodingOrSelf
            guard let loss = registry.loss(named: name) else {
                // Unknown names are 404 whatever the method, so a typo in a POST is reported as such.
                throw ServiceError.unknownLoss(name, registry: registry)
            }
            switch request.method {
            case "GET", "HEAD":
                return .immediate(Self.json(LossCatalog.describe(loss.descriptor)))
            case "POST":
                return .compute(loss: loss.descriptor.name) { [self] in try compute(loss, request: request) }
            default:
                throw ServiceError.methodNotAllowed(request.method, allowed: ["GET", "HEAD", "POST"])
            }
        default:
            throw ServiceError(.notFound, code: "not_found", "no route for \(request.path)")
        }
    }

    /// The OpenAPI document served at `/openapi.yaml`, encoded once.
    static let openAPIBytes = Array(OpenAPIDocument.yaml.utf8)

    func allow(_ request: HTTPRequest, _ methods: [String]) throws {
        guard methods.contains(request.method) else {
            throw ServiceError.methodNotAllowed(request.method, allowed: methods)
        }
    }

    static func json(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        json(Array(text.utf8), status: status)
    }

    static func json(_ bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: bytes)
    }
}

extension String {
    /// Percent-decoded, or unchanged when the escapes are malformed.
    var removingPercentEncodingOrSelf: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
               let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else if byte == UInt8(ascii: "%") {
                return self
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
