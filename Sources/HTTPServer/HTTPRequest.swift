/// A complete request as handed to an `HTTPResponder`: head plus the whole body.
///
/// The body has already been de-chunked and, when the server decodes content codings,
/// inflated; `headers` still show what the client sent.
public struct HTTPRequest: Sendable {
    /// The method token, case-sensitive as sent (e.g. `GET`, `POST`).
    public var method: String
    /// The request-target exactly as sent on the request line.
    public var target: String
    /// The path component of the target, before any `?` (percent-encoding untouched).
    public var path: String
    /// The raw query after the first `?`, or nil when there is none.
    public var query: String?
    /// The protocol version from the request line.
    public var version: HTTPVersion
    /// Header fields in the order received.
    public var headers: HTTPHeaders
    /// The message body (empty when none was sent).
    public var body: [UInt8]
    /// The peer's numeric address, e.g. `127.0.0.1` or `::1`.
    public var remoteAddress: String
    /// Trailer fields received after a chunked body (framing fields are never kept here).
    public var trailers: HTTPHeaders

    /// Creates a request; mostly useful to test responders without a socket.
    public init(
        method: String, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = [:], body: [UInt8] = [], remoteAddress: String = "",
        trailers: HTTPHeaders = [:]
    ) {
        self.method = method
        self.target = target
        let (path, query) = RequestTarget.split(target)
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
        self.trailers = trailers
    }
}

/// Splits request-targets into path and query (RFC 9112 §3.2).
enum RequestTarget {
    /// Path and query of an origin-form, absolute-form, asterisk-form or authority-form target.
    static func split(_ target: String) -> (path: String, query: String?) {
        var rest = Substring(target)
        // absolute-form: drop "scheme://authority" so routing sees only the path.
        if let schemeEnd = rest.firstRange(of: "://"), !rest.hasPrefix("/") {
            rest = rest[schemeEnd.upperBound...]
            if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                rest = rest[slash...]
            } else {
                rest = ""
            }
            if rest.isEmpty || rest.hasPrefix("?") { rest = "/" + rest }
        }
        guard let question = rest.firstIndex(of: "?") else { return (String(rest), nil) }
        return (String(rest[..<question]), String(rest[rest.index(after: question)...]))
    }
}
