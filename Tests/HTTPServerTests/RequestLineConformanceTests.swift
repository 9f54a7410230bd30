import Foundation
import Testing
@testable import HTTPServer

@Suite("RFC 9112 request line and header fields")
struct RequestLineConformanceTests {
    static let requestLineCases: [ConformanceCase] = [
        .init("tab instead of space", "GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400, closes: true, body: "malformed_request_line"),
        .init("double space", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400, closes: true),
        .init("missing target", "GET HTTP/1.1\r\nHost: x\r\n\r\n", 400, closes: true),
        .init("trailing token", "GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400, closes: true),
        .init("lowercase protocol name", "GET / http/1.1\r\nHost: x\r\n\r\n", 400, closes: true, body: "malformed_version"),
        .init("two-digit minor version", "GET / HTTP/1.10\r\nHost: x\r\n\r\n", 400, closes: true),
        .init("HTTP/2.0 is 505", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, closes: true, body: "http_version_not_supported"),
        .init("HTTP/1.2 is 505", "GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505, closes: true),
        .init("HTTP/0.9-style version is 505", "GET / HTTP/0.9\r\nHost: x\r\n\r\n", 505, closes: true),
        .init("an unknown method token reaches the app", "BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 200, closes: false, body: "BREW /pot - 0"),
        .init("QUERY reaches the app", "QUERY /search HTTP/1.1\r\nHost: x\r\n\r\n", 200, closes: false, body: "QUERY /search - 0"),
        .init("method with invalid character", "GE(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400, closes: true),
        .init("target too long is 414", "GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", 414, closes: true, body: "uri_too_long"),
        .init("target with raw UTF-8", "GET /caf\u{e9} HTTP/1.1\r\nHost: x\r\n\r\n", 400, closes: true, body: "invalid_request_target"),
        .init("relative target", "GET relative HTTP/1.1\r\nHost: x\r\n\r\n", 400, closes: true),
        .init("asterisk only for OPTIONS", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, closes: true),
        .init("OPTIONS * is fine", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 200, closes: false, body: "OPTIONS * - 0"),
        .init("absolute-form target routes by path", "GET http://x/abs?q=1 HTTP/1.1\r\nHost: x\r\n\r\n", 200, closes: false, body: "GET /abs q=1 0"),
        .init("leading empty lines are tolerated", "\r\n\r\nGET /lead HTTP/1.1\r\nHost: x\r\n\r\n", 200, closes: false, body: "GET /lead - 0"),
        .init("bare LF line endings are tolerated", "GET /lf HTTP/1.1\nHost: x\n\n", 200, closes: false, body: "GET /lf - 0"),
        .init("bare CR in request line", "GET / HTTP/1.1\rHost: x\r\n\r\n", 400, closes: true),
        .init("HTTP/1.0 without Host is fine", "GET /old HTTP/1.0\r\n\r\n", 200, closes: true, body: "GET /old - 0"),
    ]

    @Test(arguments: requestLineCases)
    func requestLineRule(_ rule: ConformanceCase) throws {
        try rule.check()
    }

    static let fieldCases: [ConformanceCase] = [
        .init("missing Host on HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400, closes: true, body: "missing_host"),
        .init("two Host fields", request("GET / HTTP/1.1", "Host: y"), 400, closes: true, body: "duplicate_host"),
        .init("whitespace before colon", request("GET / HTTP/1.1", "X-A : 1"), 400, closes: true, body: "invalid_header_field"),
        .init("obs-fold continuation line", request("GET / HTTP/1.1", "X-A: 1", "  continued"), 400, closes: true, body: "obsolete_line_folding"),
        .init("field name with a separator", request("GET / HTTP/1.1", "X(A): 1"), 400, closes: true),
        .init("field line without colon", request("GET / HTTP/1.1", "NoColon"), 400, closes: true),
        .init("empty field name", request("GET / HTTP/1.1", ": value"), 400, closes: true),
        .init("NUL in field value", request("GET / HTTP/1.1", "X-A: a\u{0}b"), 400, closes: true),
        .init("control byte in field value", request("GET / HTTP/1.1", "X-A: a\u{1}b"), 400, closes: true),
        .init("DEL in field value", request("GET / HTTP/1.1", "X-A: a\u{7f}b"), 400, closes: true),
        .init("bare CR in field value", request("GET / HTTP/1.1", "X-A: a\rb"), 400, closes: true),
        .init("obs-text in field value is allowed", request("GET / HTTP/1.1", "X-A: caf\u{e9}"), 200, closes: false),
        .init("tab inside a value is allowed", request("GET / HTTP/1.1", "X-A: a\tb"), 200, closes: false),
        .init("header block over the limit is 431", request("GET / HTTP/1.1", "X-Big: \(String(repeating: "b", count: 70_000))"), 431, closes: true, body: "header_fields_too_large"),
        .init("too many header fields is 431", "GET / HTTP/1.1\r\nHost: x\r\n" + (0..<100).map { "X-\($0): v\r\n" }.joined() + "\r\n", 431, closes: true, body: "too_many_header_fields"),
        .init("unknown Expect is 417", request("GET / HTTP/1.1", "Expect: teapot"), 417, closes: true, body: "expectation_failed"),
        .init("Connection: close is honoured", request("GET / HTTP/1.1", "Connection: close"), 200, closes: true),
    ]

    @Test(arguments: fieldCases)
    func fieldRule(_ rule: ConformanceCase) throws {
        try rule.check()
    }
}
