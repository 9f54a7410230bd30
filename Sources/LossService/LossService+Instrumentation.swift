import Foundation
import HTTPServer
import Logging

extension LossService {
    /// Answers one request: assigns its request id, serves `/metrics`, hands everything else
    /// to the router, then logs one line and records metrics when the response is ready.
    /// - Parameters:
    ///   - request: The parsed request.
    ///   - completion: Receives the response, from any thread.
    public func respond(to request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = ContinuousClock.now
        let requestID = Self.requestID(from: request.headers["X-Request-Id"])
        let (route, loss) = routeLabels(request.path)
        metrics.requestStarted(bytes: request.body.count)
        let finish: @Sendable (HTTPResponse) -> Void = { [self] response in
            var response = response
            response.headers.set("X-Request-Id", requestID)
            let duration = ContinuousClock.now - started
            metrics.requestFinished(route: route, loss: loss ?? "", status: response.status.code,
                                    bytes: response.body.count, duration: duration)
            var metadata: Logger.Metadata = [
                "request_id": "\(requestID)", "method": "\(request.method)", "path": "\(request.path)",
                "status": "\(response.status.code)", "bytes_in": "\(request.body.count)",
                "bytes_out": "\(response.body.count)", "duration_ms": "\(Self.milliseconds(duration))",
            ]
            if let loss { metadata["loss"] = "\(loss)" }
            if let timing = response.headers["Server-Timing"], let value = timing.split(separator: "=").last {
                metadata["compute_ms"] = "\(value)"
            }
            logger.info("request", metadata: metadata)
            completion(response)
        }
        if request.path == "/metrics" {
            guard request.method == "GET" || request.method == "HEAD" else {
                finish(Self.errorResponse(ServiceError.methodNotAllowed(request.method, allowed: ["GET", "HEAD"])))
                return
            }
            let body = metrics.render(queueDepth: pool.queueDepth, busyWorkers: pool.running,
                                      openConnections: connectionCount?())
            finish(HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: body))
            return
        }
        handle(request, completion: finish)
    }

    /// The client's `X-Request-Id` when it is short printable ASCII, otherwise a new UUID.
    static func requestID(from header: String?) -> String {
        if let header, !header.isEmpty, header.utf8.count <= 128,
           header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return header
        }
        return UUID().uuidString.lowercased()
    }

    /// Low-cardinality labels: the route template and, on loss routes, the canonical loss
    /// name (`unknown` for names not in the catalog, so clients cannot mint new series).
    func routeLabels(_ path: String) -> (route: String, loss: String?) {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        func canonical(_ name: Substring) -> String {
            registry.loss(named: String(name).removingPercentEncodingOrSelf)?.descriptor.name ?? "unknown"
        }
        if segments.count == 3, segments[0] == "v1", segments[1] == "losses" {
            return ("/v1/losses/{name}", canonical(segments[2]))
        }
        if segments.count >= 3, segments[0] == "v2", segments[1] == "models" {
            var route = "/v2/models/{name}"
            var index = 3
            if segments.count >= 5, segments[3] == "versions" { route += "/versions/{version}"; index = 5 }
            if index < segments.count { route += "/" + segments[index...].joined(separator: "/") }
            return (route.count > 64 ? "other" : route, canonical(segments[2]))
        }
        switch path {
        case "/healthz", "/readyz", "/metrics", "/openapi.yaml", "/v1/losses", "/v2", "/v2/health/live", "/v2/health/ready":
            return (path, nil)
        default:
            return ("other", nil)
        }
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.3f", Double(duration.nanosecondsClamped) / 1e6)
    }
}
