/// How the body of a request is delimited (RFC 9112 §6.3).
public enum BodyFraming: Sendable, Equatable {
    /// No body.
    case none
    /// Exactly this many bytes follow the head.
    case length(Int)
    /// A chunked body follows, ending with a zero-size chunk and trailers.
    case chunked
}

/// A validated request head: request line, fields and the decisions derived from them.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The request method, case-sensitive as sent.
    public internal(set) var method: String
    /// The request target as sent.
    public internal(set) var target: String
    /// HTTP/1.0 or HTTP/1.1.
    public internal(set) var version: HTTPVersion
    /// The header fields in arrival order.
    public internal(set) var headers: HTTPHeaders
    /// How the body that follows is delimited.
    public internal(set) var framing: BodyFraming
    /// The client waits for `100 Continue` before sending the body (RFC 9110 §10.1.1).
    public internal(set) var expectsContinue: Bool
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public internal(set) var keepAlive: Bool

    /// Methods whose requests carry content, so a missing length is an error (411)
    /// rather than an empty body.
    static let methodsRequiringLength: Set<String> = ["POST", "PUT", "PATCH"]

    /// Applies the message-level rules of RFC 9112 §6 and §9 and RFC 9110 §7.2 / §10.1.1.
    static func validated(_ partial: PartialHead, maxBodySize: Int) throws(HTTPParseError) -> HTTPRequestHead {
        let headers = partial.headers
        let version = partial.version

        // Host: exactly one on HTTP/1.1, at most one on HTTP/1.0 (RFC 9112 §3.2).
        let hostCount = headers.values("Host").count
        if hostCount > 1 { throw .duplicateHost }
        if hostCount == 0 && version == .http1_1 { throw .missingHost }

        var keepAlive = connectionAllowsReuse(headers, version: version)
        let framing: BodyFraming
        if headers.contains("Transfer-Encoding") {
            // TE and CL together is how smuggling starts: refuse and close (§6.1, §6.3 item 3).
            if headers.contains("Content-Length") { throw .conflictingFraming }
            try validateTransferCodings(headers.listElements("Transfer-Encoding"))
            framing = .chunked
            // An HTTP/1.0 message with Transfer-Encoding has faulty framing: close after it (§6.1).
            if version == .http1_0 { keepAlive = false }
        } else if headers.contains("Content-Length") {
            let length = try contentLength(headers, maxBodySize: maxBodySize)
            framing = length == 0 ? .none : .length(length)
        } else if methodsRequiringLength.contains(partial.method) {
            throw .lengthRequired
        } else {
            framing = .none
        }

        var expectsContinue = false
        // HTTP/1.0 clients cannot send Expect meaningfully: ignore it there (RFC 9110 §10.1.1).
        if version == .http1_1 {
            for expectation in headers.listElements("Expect") {
                guard expectation.equalsIgnoringCase("100-continue") else { throw .unsupportedExpectation(expectation) }
                expectsContinue = framing != .none
            }
        }
        return HTTPRequestHead(
            method: partial.method, target: partial.target, version: version, headers: headers,
            framing: framing, expectsContinue: expectsContinue, keepAlive: keepAlive
        )
    }

    /// Only `chunked`, once and last, is supported (RFC 9112 §6.1, §7).
    static func validateTransferCodings(_ codings: [String]) throws(HTTPParseError) {
        let names = codings.map { coding in
            String(coding.split(separator: ";", maxSplits: 1).first ?? "").trimmingHTTPWhitespace().lowercased()
        }
        guard let last = names.last else { throw .chunkedNotLast }
        let chunkedCount = names.filter { $0 == "chunked" }.count
        if chunkedCount > 1 || (chunkedCount == 1 && last != "chunked") { throw .chunkedNotLast }
        if let unknown = names.first(where: { $0 != "chunked" }) { throw .unsupportedTransferCoding(unknown) }
    }

    /// Content-Length = 1*DIGIT; repeated identical values are tolerated, differing ones
    /// are not (RFC 9110 §8.6, RFC 9112 §6.3 item 5). Parsed without overflow traps.
    static func contentLength(_ headers: HTTPHeaders, maxBodySize: Int) throws(HTTPParseError) -> Int {
        var result: Int?
        for value in headers.values("Content-Length") {
            // A list value such as "5, 5" counts as repeated fields.
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingHTTPWhitespace().utf8
                guard !digits.isEmpty, digits.allSatisfy(HTTPRequestParser.isDigit) else { throw .invalidContentLength }
                let significant = digits.drop { $0 == UInt8(ascii: "0") }
                var length = 0
                if significant.count > 18 {
                    length = Int.max // beyond any body limit; compared below, never computed with
                } else {
                    for digit in significant { length = length * 10 + Int(digit - 0x30) }
                }
                if let previous = result, previous != length { throw .conflictingContentLength }
                result = length
            }
        }
        guard let length = result else { throw .invalidContentLength }
        guard length <= maxBodySize else { throw .bodyTooLarge(maxBodySize) }
        return length
    }

    /// Persistence rules of RFC 9112 §9.3: `close` always wins; HTTP/1.1 persists by
    /// default; HTTP/1.0 only with `keep-alive`.
    static func connectionAllowsReuse(_ headers: HTTPHeaders, version: HTTPVersion) -> Bool {
        let options = headers.listElements("Connection")
        if options.contains(where: { $0.equalsIgnoringCase("close") }) { return false }
        if version == .http1_1 { return true }
        return options.contains { $0.equalsIgnoringCase("keep-alive") }
    }
}
