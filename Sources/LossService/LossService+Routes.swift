import HTTPServer
import LossCore

extension LossService {
    /// Every route lossd serves (DESIGN.md §2): operations, the `/v1` loss API and the KServe v2 /
    /// Open Inference Protocol as NVIDIA Triton serves it, whose model routes also exist under
    /// `/v2/models/{name}/versions/1/…` and whose errors carry Triton's statuses.
    static let routes = RouteTable(routes: [
        Route("/healthz", Route.get { _, _ in json(#"{"status":"ok"}"#) }),
        Route("/readyz", Route.get { service, _ throws(ServiceError) in
            try service.checkReady()
            return json(#"{"status":"ready"}"#)
        }),
        Route("/metrics", Route.get { service, _ in service.renderMetrics() }),
        Route("/openapi.yaml", Route.get { _, _ in
            HTTPResponse(headers: ["Content-Type": "application/yaml"], body: openAPIBytes)
        }),
        Route("/v1/losses", Route.get { service, _ in json(service.library.snapshot.catalog) }),
        // Custom losses (EXPRESSIONS.md): literal templates, tried before `{name}`.
        Route("/v1/losses/expression", loss: ExpressionLoss.self, Route.post(V1FormatNegotiation())),
        Route("/v1/losses/{name}", Route.get { _, match throws(ServiceError) in
            json(LossCatalog.describe(try match.requireLoss().descriptor))
        } + Route.post(V1FormatNegotiation())
          + Route.definitions("PUT", putDefinition) + Route.definitions("DELETE", deleteDefinition)),

        Route("/v2", errors: .triton, Route.get { _, _ in json(KServeModelMetadata.server()) }),
        Route("/v2/health/live", errors: .triton, Route.get { _, _ in HTTPResponse(status: .ok) }),
        Route("/v2/health/ready", errors: .triton, Route.get(ready)),
        Route("/v2/models/{name}", errors: .triton, Route.get(modelMetadata)),
        Route("/v2/models/{name}/ready", errors: .triton, Route.get(ready)),
        Route("/v2/models/expression/infer", errors: .triton, loss: ExpressionLoss.self, Route.post(KServeFormatNegotiation())),
        Route("/v2/models/{name}/infer", errors: .triton, Route.post(KServeFormatNegotiation())),
        Route("/v2/models/{name}/versions/{version}", errors: .triton, Route.get(modelMetadata)),
        Route("/v2/models/{name}/versions/{version}/ready", errors: .triton, Route.get(ready)),
        Route("/v2/models/{name}/versions/{version}/infer", errors: .triton, Route.post(KServeFormatNegotiation())),
        // The model-repository extension: custom losses as Triton models (LossService+Definitions).
        Route("/v2/repository/index", errors: .triton, Route.definitions("POST", repositoryIndex)),
        Route("/v2/repository/models/{name}/load", errors: .triton, Route.definitions("POST", repositoryLoad)),
        Route("/v2/repository/models/{name}/unload", errors: .triton, Route.definitions("POST", repositoryUnload)),
    ])

    /// The OpenAPI document served at `/openapi.yaml`, encoded once.
    static let openAPIBytes = Array(OpenAPIDocument.yaml.utf8)

    /// KServe readiness: an empty 200, or 503 while draining.
    @Sendable private static func ready(_ service: LossService, _: RouteMatch) throws(ServiceError) -> HTTPResponse {
        try service.checkReady()
        return HTTPResponse(status: .ok)
    }

    /// `GET /v2/models/{name}`: the loss as a KServe model.
    @Sendable private static func modelMetadata(_: LossService, _ match: RouteMatch) throws(ServiceError) -> HTTPResponse {
        json(KServeModelMetadata.model(try match.requireLoss().descriptor))
    }

    /// 503 with `Retry-After` while draining, so load balancers stop sending work.
    func checkReady() throws(ServiceError) {
        if isDraining {
            throw ServiceError(.serviceUnavailable, code: "draining", "lossd is shutting down",
                               headers: ["Retry-After": "1"])
        }
    }

    /// `GET /metrics`: the Prometheus text exposition, gauges refreshed first.
    func renderMetrics() -> HTTPResponse {
        let body = metrics.render(queueDepth: pool.queueDepth, busyWorkers: pool.running,
                                  openConnections: connectionCount?())
        return HTTPResponse(headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: body)
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
