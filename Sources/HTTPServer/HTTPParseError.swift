/// A request the server refuses at the protocol level, with the status to answer.
///
/// After any parse error the connection closes: once framing is in doubt the next
/// byte cannot be trusted to start a new request (RFC 9112 §11.2, request smuggling).
public struct HTTPParseError: Error, Sendable, Equatable {
    /// The status sent back.
    public internal(set) var status: HTTPStatus
    /// A stable snake_case code for the JSON body.
    public internal(set) var code: String
    /// A message a human can act on.
    public internal(set) var message: String

    init(_ status: HTTPStatus, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    /// The JSON error response for this failure.
    var response: HTTPResponse {
        var response = HTTPResponse.jsonError(status, code: code, message: message)
        if status == .unsupportedMediaType {
            response.headers.set("Accept-Encoding", "gzip, deflate")
        }
        return response
    }

    static func badRequest(_ code: String, _ message: String) -> HTTPParseError {
        HTTPParseError(.badRequest, code, message)
    }
}
