import Foundation

/// A response produced by an `HTTPResponder`.
///
/// The server adds `Date`, `Content-Length` and `Connection` itself and removes any
/// `Transfer-Encoding` (bodies are always sent with a length).
public struct HTTPResponse: Sendable {
    /// The status line's code and reason.
    public var status: HTTPStatus
    /// Header fields, sent in this order.
    public var headers: HTTPHeaders
    /// The full body; dropped on the wire for HEAD, 1xx, 204 and 304.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON error response `{"error": message, "code": code}` with `Content-Type: application/json`
    /// and a fresh `X-Request-Id`, so even a request the server refused before routing can be traced.
    public static func jsonError(_ status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        let json = "{\"error\":\(JSONString.quoted(message)),\"code\":\(JSONString.quoted(code))}"
        return HTTPResponse(
            status: status,
            headers: ["Content-Type": "application/json", "X-Request-Id": UUID().uuidString.lowercased()],
            body: Array(json.utf8)
        )
    }
}

/// Minimal JSON string quoting for server-generated error bodies.
enum JSONString {
    /// `text` as a JSON string literal, with quotes, backslashes and controls escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
