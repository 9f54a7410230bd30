import HTTPServer
import LossCore

extension LossService {
    /// Routes `/v2/…`, the KServe v2 / Open Inference Protocol as NVIDIA Triton serves it.
    ///
    /// `GET /v2`, `/v2/health/live`, `/v2/health/ready`, `/v2/models/{loss}`,
    /// `/v2/models/{loss}/ready` and `POST /v2/models/{loss}/infer`, the model routes also
    /// under `/v2/models/{loss}/versions/1/…`. Errors, including those of the compute job,
    /// carry Triton's status mapping (see ``tritonStatus(_:)``).
    func routeKServe(_ request: HTTPRequest, segments: [String]) throws -> Routed {
        do {
            switch try kserveRoute(request, segments: segments) {
            case .immediate(let response):
                return .immediate(response)
            case .compute(let loss, let job):
                return .compute(loss: loss) { try Self.tritonStatus { try job() } }
            }
        } catch {
            throw Self.tritonError(error)
        }
    }

    private func kserveRoute(_ request: HTTPRequest, segments: [String]) throws -> Routed {
        switch segments.count {
        case 1:
            try allow(request, ["GET", "HEAD"])
            return .immediate(Self.json(KServeModelMetadata.server()))
        case 3 where segments[1] == "health" && segments[2] == "live":
            try allow(request, ["GET", "HEAD"])
            return .immediate(HTTPResponse(status: .ok))
        case 3 where segments[1] == "health" && segments[2] == "ready":
            try allow(request, ["GET", "HEAD"])
            try checkReady()
            return .immediate(HTTPResponse(status: .ok))
        case 3...6 where segments[1] == "models":
            return try modelRoute(request, segments: Array(segments.dropFirst(2)))
        default:
            throw ServiceError(.notFound, code: "not_found", "no route for \(request.path)")
        }
    }

    /// `{loss}[/versions/{v}][/ready|/infer]`.
    private func modelRoute(_ request: HTTPRequest, segments: [String]) throws -> Routed {
        let name = segments[0].removingPercentEncodingOrSelf
        guard let loss = registry.loss(named: name) else {
            throw ServiceError.unknownLoss(name, registry: registry)
        }
        var rest = segments.dropFirst()
        if rest.first == "versions" {
            guard rest.count >= 2 else { throw ServiceError(.notFound, code: "not_found", "no route for \(request.path)") }
            let version = rest[rest.startIndex + 1].removingPercentEncodingOrSelf
            guard version == KServeModelMetadata.modelVersion else {
                throw ServiceError(.notFound, code: "unknown_version",
                                   "model '\(loss.descriptor.name)' has no version '\(version.prefix(32))' (only '\(KServeModelMetadata.modelVersion)')",
                                   field: "version")
            }
            rest = rest.dropFirst(2)
        }
        switch Array(rest) {
        case []:
            try allow(request, ["GET", "HEAD"])
            return .immediate(Self.json(KServeModelMetadata.model(loss.descriptor)))
        case ["ready"]:
            try allow(request, ["GET", "HEAD"])
            try checkReady()
            return .immediate(HTTPResponse(status: .ok))
        case ["infer"]:
            try allow(request, ["POST"])
            return .compute(loss: loss.descriptor.name) { [self] in try infer(loss, request: request) }
        default:
            throw ServiceError(.notFound, code: "not_found", "no route for \(request.path)")
        }
    }

    /// 503 with `Retry-After` while draining, so load balancers stop sending work.
    func checkReady() throws {
        if isDraining {
            throw ServiceError(.serviceUnavailable, code: "draining", "lossd is shutting down",
                               headers: ["Retry-After": "1"])
        }
    }

    /// Runs `body`, rethrowing its errors with Triton's status mapping.
    static func tritonStatus(_ body: () throws -> HTTPResponse) throws -> HTTPResponse {
        do { return try body() } catch { throw tritonError(error) }
    }

    /// Triton answers an unusable request (its `INVALID_ARG`) with 400 where `/v1` says 422;
    /// every other status (404, 405, 413, 415, 503, …) is kept.
    static func tritonError(_ error: any Error) -> ServiceError {
        var serviceError: ServiceError = switch error {
        case let error as ServiceError: error
        case let error as LossError: ServiceError(error)
        default: ServiceError(.internalServerError, code: "internal_error", "internal error: \(error)")
        }
        if serviceError.status == .unprocessableContent { serviceError.status = .badRequest }
        return serviceError
    }
}
