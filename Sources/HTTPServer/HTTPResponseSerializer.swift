/// Turns an `HTTPResponse` into wire bytes, owning the framing headers (RFC 9112 §6).
enum HTTPResponseSerializer {
    /// Fields the server always decides itself; a responder's values are replaced.
    private static let framingFields = ["Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"]

    /// The interim response sent to a client waiting on `Expect: 100-continue`.
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The head and the body bytes to send for `response` to a request with `method`.
    ///
    /// HEAD responses keep the `Content-Length` the body would have had but send no body;
    /// 1xx and 204 carry neither; 304 keeps a responder-supplied length only (RFC 9110 §8.6).
    static func serialize(
        _ response: HTTPResponse, method: String?, version: HTTPVersion, keepAlive: Bool, serverName: String?
    ) -> (head: [UInt8], body: [UInt8]) {
        let status = response.status
        var headers = response.headers
        let suppliedLength = headers["Content-Length"]
        for field in framingFields { headers.remove(field) }

        var body = response.body
        if !status.allowsBody {
            if status.code == 304, let suppliedLength { headers.add("Content-Length", suppliedLength) }
            body = []
        } else if method == "HEAD" {
            let length = body.isEmpty ? (suppliedLength.flatMap(Int.init) ?? 0) : body.count
            headers.add("Content-Length", String(length))
            body = []
        } else {
            headers.add("Content-Length", String(body.count))
        }
        if !keepAlive {
            headers.add("Connection", "close")
        } else if version == .http1_0 {
            headers.add("Connection", "keep-alive")
        }
        if !headers.contains("Date") { headers.add("Date", HTTPDate.now()) }
        if let serverName, !headers.contains("Server") { headers.add("Server", serverName) }

        var head = "HTTP/1.1 \(status.code) \(sanitized(status.reason))\r\n"
        for (name, value) in headers {
            head += "\(sanitized(name)): \(sanitized(value))\r\n"
        }
        head += "\r\n"
        return (Array(head.utf8), body)
    }

    /// Drops CR, LF and NUL so a responder echoing client data cannot split the response.
    private static func sanitized(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != "\r" && $0 != "\n" && $0 != "\0" }))
    }
}
