import HTTPServer
import TensorCodecs

/// How a family of routes reports errors.
enum ErrorDialect: Sendable {
    /// lossd's own statuses (DESIGN.md §2).
    case standard
    /// Triton's: an unusable request (its `INVALID_ARG`) is 400 where `/v1` says 422; every
    /// other status (404, 405, 413, 415, 503, …) is kept.
    case triton
}

extension ServiceError {
    /// This error as `dialect` reports it.
    func inDialect(_ dialect: ErrorDialect) -> ServiceError {
        var error = self
        if dialect == .triton, error.status == .unprocessableContent { error.status = .badRequest }
        return error
    }

    /// The response: `{"error", "code", "field"?}` as JSON, with the error's extra headers.
    var response: HTTPResponse {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error"); writer.string(message)
        writer.key("code"); writer.string(code)
        if let field { writer.key("field"); writer.string(field) }
        writer.endObject()
        var headers = headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: headers, body: writer.bytes)
    }
}
