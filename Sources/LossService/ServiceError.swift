import HTTPServer
import LossCore

/// A request the service refuses, with the HTTP status that says why.
///
/// Rendered as `{"error": message, "code": code, "field": field}` on every route.
public struct ServiceError: Error, Sendable, Equatable {
    /// The HTTP status.
    public var status: HTTPStatus
    /// A machine-readable code, e.g. `unknown_loss`.
    public var code: String
    /// A sentence for a human.
    public var message: String
    /// The tensor, parameter or header at fault.
    public var field: String?
    /// Extra response headers (`Allow`, `Retry-After`, …).
    public var headers: HTTPHeaders

    /// Creates an error.
    /// - Parameters:
    ///   - status: HTTP status to answer with.
    ///   - code: Machine-readable code.
    ///   - message: Human-readable message.
    ///   - field: The offending field, if any.
    ///   - headers: Extra response headers.
    public init(_ status: HTTPStatus, code: String, _ message: String, field: String? = nil, headers: HTTPHeaders = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// 422 for a loss that cannot use the request's tensors or parameters.
    public init(_ error: LossError) {
        self.init(.unprocessableContent, code: error.code.rawValue, error.message, field: error.field)
    }

    /// Any error as the service reports it — the one place errors become statuses: a
    /// `ServiceError` as it is, a ``LossError`` as 422, anything else as a 500 (a bug: every
    /// refusal lossd means to make is one of the first two).
    public init(reporting error: any Error) {
        switch error {
        case let error as ServiceError: self = error
        case let error as LossError: self.init(error)
        default: self = .internalError("\(error)")
        }
    }

    /// 500: something lossd did not anticipate.
    static func internalError(_ detail: String) -> ServiceError {
        ServiceError(.internalServerError, code: "internal_error", "internal error: \(detail)")
    }

    /// 404 for an unknown loss, suggesting the nearest registered name.
    static func unknownLoss(_ name: String, registry: LossRegistry) -> ServiceError {
        var message = "unknown loss '\(name)'"
        if let suggestion = registry.suggestion(for: name) { message += "; did you mean '\(suggestion)'?" }
        message += " (GET /v1/losses lists them all)"
        return ServiceError(.notFound, code: "unknown_loss", message, field: "name")
    }

    /// 405 with the `Allow` header.
    static func methodNotAllowed(_ method: String, allowed: [String]) -> ServiceError {
        ServiceError(.methodNotAllowed, code: "method_not_allowed",
                     "method \(method) is not allowed here; use \(allowed.joined(separator: " or "))",
                     headers: ["Allow": allowed.joined(separator: ", ")])
    }

    /// 503 when the worker queue is full.
    static let overloaded = ServiceError(.serviceUnavailable, code: "overloaded",
                                         "all workers are busy and the queue is full; retry shortly",
                                         headers: ["Retry-After": "1"])
}
