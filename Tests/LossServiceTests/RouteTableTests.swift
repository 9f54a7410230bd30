import HTTPServer
import LossCore
import Testing
@testable import LossService

/// The route table without a socket: what a path matches, which loss it names, what each
/// method gets.
@Suite struct RouteTableTests {
    static let registry = LossRegistry.standard

    static func match(_ path: String) -> RouteMatch {
        LossService.routes.match(path, registry: registry)
    }

    @Test("paths match their templates and resolve the loss by name or alias", arguments: [
        ("/healthz", "/healthz", nil),
        ("/metrics", "/metrics", nil),
        ("/v1/losses", "/v1/losses", nil),
        ("/v1/losses/l2", "/v1/losses/{name}", "mse"),
        ("/v1//losses/dice/", "/v1/losses/{name}", "dice"),
        ("/v1/losses/gaussian%5Fnll", "/v1/losses/{name}", "gaussian_nll"),
        ("/v2", "/v2", nil),
        ("/v2/health/ready", "/v2/health/ready", nil),
        ("/v2/models/gaussian_nll_loss", "/v2/models/{name}", "gaussian_nll"),
        ("/v2/models/dice/ready", "/v2/models/{name}/ready", "dice"),
        ("/v2/models/dice/infer", "/v2/models/{name}/infer", "dice"),
        ("/v2/models/dice/versions/1/infer", "/v2/models/{name}/versions/{version}/infer", "dice"),
    ] as [(String, String, String?)])
    func matches(_ path: String, _ template: String, _ loss: String?) {
        let match = Self.match(path)
        #expect(match.template == template)
        #expect(match.failure == nil)
        #expect(match.loss?.descriptor.name == loss)
        #expect(match.lossLabel == loss)
    }

    @Test("an unknown loss keeps its route but is labelled 'unknown' and is a 404 whatever the method")
    func unknownLoss() {
        for path in ["/v1/losses/dcie", "/v2/models/dcie/infer", "/v2/models/made-up-\(UInt64.random(in: 0...9999))"] {
            let match = Self.match(path)
            #expect(match.route != nil, "\(path)")
            #expect(match.lossLabel == "unknown")
            for method in ["GET", "POST", "QUERY"] {
                #expect(throws: ServiceError.self) { _ = try match.handler(for: method) }
                #expect((try? match.handler(for: method)) == nil)
            }
            #expect(match.failure?.status == .notFound && match.failure?.code == "unknown_loss")
        }
        #expect(Self.match("/v1/losses/dcie").failure?.message.contains("did you mean 'dice'") == true)
    }

    @Test("only model version 1 exists; other versions are 404 naming the model")
    func versions() {
        let match = Self.match("/v2/models/l2/versions/2/infer")
        #expect(match.template == "/v2/models/{name}/versions/{version}/infer")
        #expect(match.failure?.code == "unknown_version")
        #expect(match.failure?.message.contains("'mse'") == true)
    }

    @Test("a path no template fits is 'other' and a 404 not_found, with no loss label")
    func noRoute() {
        for path in ["/", "/nope", "/v1/losses/dice/extra", "/v2/models/dice/stats", "/v2/models/dice/versions", "/metrics/x"] {
            let match = Self.match(path)
            #expect(match.route == nil, "\(path)")
            #expect(match.template == "other")
            #expect(match.lossLabel == nil)
            #expect(match.failure?.code == "not_found")
        }
    }

    @Test("a method a route does not allow — QUERY, a typo, TRACE — is 405 listing the route's methods in Allow")
    func methodNotAllowed() {
        let cases: [(String, String, String)] = [
            ("/v1/losses/dice", "QUERY", "GET, HEAD, POST, PUT, DELETE"),
            ("/v1/losses/dice", "PATCH", "GET, HEAD, POST, PUT, DELETE"),
            ("/healthz", "QUERY", "GET, HEAD"),
            ("/metrics", "POST", "GET, HEAD"),
            ("/v2/models/dice/infer", "GET", "POST"),
            ("/v2/models/dice/versions/1/infer", "QUERY", "POST"),
            ("/v1/losses", "BREW", "GET, HEAD"),
        ]
        let service = LossService()
        for (path, method, allow) in cases {
            let response = service.respondNow(HTTPRequest(method: method, target: path))
            #expect(response.status == .methodNotAllowed, "\(method) \(path)")
            #expect(response.headers["Allow"] == allow, "\(method) \(path)")
            #expect(response.headers["Content-Type"] == "application/json")
            #expect(String(decoding: response.body, as: UTF8.self).contains(#""code":"method_not_allowed""#))
        }
    }

    @Test("every template is unique and every route answers at least one method")
    func tableIsWellFormed() {
        let templates = LossService.routes.routes.map(\.template)
        #expect(Set(templates).count == templates.count)
        #expect(LossService.routes.routes.allSatisfy { !$0.methods.isEmpty })
        // Templates are the labels: each one matches its own literal form (parameters filled in).
        for template in templates {
            let path = template.replacingOccurrences(of: "{name}", with: "dice").replacingOccurrences(of: "{version}", with: "1")
            #expect(Self.match(path).template == template)
        }
    }
}
