/// Decodes a request body sent with a `Content-Encoding` (RFC 9110 §8.4).
struct ContentDecoder: Sendable {
    /// The decoder the request's `Content-Encoding` calls for; nil for no coding or `identity`.
    static func forRequest(_ headers: HTTPHeaders, configuration: HTTPServer.Configuration) throws(HTTPParseError) -> ContentDecoder? {
        let codings = headers.listElements("Content-Encoding").map { $0.lowercased() }.filter { $0 != "identity" }
        guard let coding = codings.first else { return nil }
        throw HTTPParseError(.unsupportedMediaType, "unsupported_content_encoding",
                             "the content coding '\(coding)' is not supported")
    }

    mutating func decode(_ bytes: [UInt8], into body: inout [UInt8]) throws(HTTPParseError) {
        body.append(contentsOf: bytes)
    }

    mutating func finish(into body: inout [UInt8]) throws(HTTPParseError) {}
}
