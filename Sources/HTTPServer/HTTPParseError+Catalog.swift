/// Every protocol error the parser and connection can report, with its stable code.
extension HTTPParseError {
    static let requestLineTooLong = HTTPParseError(
        .uriTooLong, "uri_too_long", "the request line is longer than the server accepts")
    static let tooManyEmptyLines = badRequest(
        "malformed_request_line", "too many empty lines before the request line")
    static let malformedRequestLine = badRequest(
        "malformed_request_line", "the request line must be 'METHOD SP target SP HTTP/1.1'")
    static let invalidTarget = badRequest(
        "invalid_request_target", "the request target contains characters not allowed in a URI or has an invalid form")
    static let malformedVersion = badRequest(
        "malformed_version", "the HTTP version must look like HTTP/1.1")
    static let unsupportedVersion = HTTPParseError(
        .httpVersionNotSupported, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are supported")
    static let headerBlockTooLarge = HTTPParseError(
        .requestHeaderFieldsTooLarge, "header_fields_too_large", "the header block is larger than the server accepts")
    static let tooManyHeaderFields = HTTPParseError(
        .requestHeaderFieldsTooLarge, "too_many_header_fields", "the request has more header fields than the server accepts")
    static let obsoleteLineFolding = badRequest(
        "obsolete_line_folding", "header values continued on a new line (obs-fold) are not accepted")
    static let whitespaceBeforeColon = badRequest(
        "invalid_header_field", "whitespace between a header field name and the colon is not allowed")
    static let invalidFieldName = badRequest(
        "invalid_header_field", "a header field name is empty or contains characters outside the token set")
    static let invalidFieldValue = badRequest(
        "invalid_header_field", "a header field value contains a control character, NUL or bare CR")
    static let missingHost = badRequest(
        "missing_host", "HTTP/1.1 requests must carry a Host header")
    static let duplicateHost = badRequest(
        "duplicate_host", "the request carries more than one Host header")
    static let invalidContentLength = badRequest(
        "invalid_content_length", "Content-Length must be a non-negative decimal integer")
    static let conflictingContentLength = badRequest(
        "conflicting_content_length", "the request carries differing Content-Length values")
    static let conflictingFraming = badRequest(
        "conflicting_framing", "a request must not carry both Transfer-Encoding and Content-Length")
    static let chunkedNotLast = badRequest(
        "invalid_transfer_encoding", "chunked must be the last transfer coding, applied once")
    static func unsupportedTransferCoding(_ coding: String) -> HTTPParseError {
        HTTPParseError(.notImplemented, "unsupported_transfer_encoding",
                       "the transfer coding '\(coding)' is not supported; use chunked")
    }
    static let lengthRequired = HTTPParseError(
        .lengthRequired, "length_required", "send a Content-Length header (or Transfer-Encoding: chunked) with the body")
    static func bodyTooLarge(_ limit: Int?) -> HTTPParseError {
        let bound = limit.map { " of \($0) bytes" } ?? ""
        return HTTPParseError(.payloadTooLarge, "body_too_large", "the request body exceeds the limit\(bound)")
    }
    static func unsupportedExpectation(_ value: String) -> HTTPParseError {
        HTTPParseError(.expectationFailed, "expectation_failed",
                       "the expectation '\(value)' is not supported; only 100-continue is")
    }
    static let badChunkSize = badRequest(
        "invalid_chunk", "a chunk size line is not a hexadecimal size with optional extensions")
    static let chunkLineTooLong = badRequest(
        "invalid_chunk", "a chunk size line (with extensions) is longer than the server accepts")
    static let badChunkTerminator = badRequest(
        "invalid_chunk", "chunk data must be followed by CRLF")
    static let headerTimeout = HTTPParseError(
        .requestTimeout, "request_timeout", "the request head did not arrive in time")
    static let bodyTooSlow = HTTPParseError(
        .requestTimeout, "request_timeout", "the request body arrived slower than the minimum rate")
    static let workersBusy = HTTPParseError(
        .serviceUnavailable, "overloaded", "every worker is busy; retry shortly")
    static let serverBusy = HTTPParseError(
        .serviceUnavailable, "too_many_connections", "the server has too many open connections; retry shortly")
}
