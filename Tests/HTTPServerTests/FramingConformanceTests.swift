import Foundation
import Testing
@testable import HTTPServer

@Suite("RFC 9112 message framing: Content-Length, chunked, bodiless responses")
struct FramingConformanceTests {
    static let post = "POST /f HTTP/1.1"

    static let contentLengthCases: [ConformanceCase] = [
        .init("Content-Length body", request(post, "Content-Length: 3", body: "abc"), 200, closes: false, body: "POST /f - 3"),
        .init("Content-Length with OWS", request(post, "Content-Length:  3 ", body: "abc"), 200, closes: false, body: "POST /f - 3"),
        .init("identical duplicate Content-Length", request(post, "Content-Length: 3", "Content-Length: 3", body: "abc"), 200, closes: false),
        .init("identical Content-Length list", request(post, "Content-Length: 3, 3", body: "abc"), 200, closes: false),
        .init("differing duplicate Content-Length", request(post, "Content-Length: 3", "Content-Length: 4", body: "abcd"), 400, closes: true, body: "conflicting_content_length"),
        .init("signed Content-Length", request(post, "Content-Length: +3", body: "abc"), 400, closes: true, body: "invalid_content_length"),
        .init("negative Content-Length", request(post, "Content-Length: -1"), 400, closes: true),
        .init("hex Content-Length", request(post, "Content-Length: 0x3", body: "abc"), 400, closes: true),
        .init("empty Content-Length", request(post, "Content-Length: "), 400, closes: true),
        .init("overflowing Content-Length is 413", request(post, "Content-Length: 99999999999999999999999999"), 413, closes: true, body: "body_too_large"),
        .init("POST without length is 411", request(post), 411, closes: true, body: "length_required"),
        .init("GET without length has no body", request("GET /g HTTP/1.1"), 200, closes: false, body: "GET /g - 0"),
    ]

    @Test(arguments: contentLengthCases)
    func contentLengthRule(_ rule: ConformanceCase) throws {
        try rule.check()
    }

    static let chunkedCases: [ConformanceCase] = [
        .init("chunked body", request(post, "Transfer-Encoding: chunked", body: "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), 200, closes: false, body: "POST /f - 5"),
        .init("uppercase hex and extensions are ignored", request(post, "Transfer-Encoding: Chunked", body: "A;name=\"v\"\r\n0123456789\r\n0;last\r\n\r\n"), 200, closes: false, body: "POST /f - 10"),
        .init("trailers are parsed, framing trailers dropped", request("POST /trailers HTTP/1.1", "Transfer-Encoding: chunked", body: "1\r\na\r\n0\r\nX-Sum: 9\r\nContent-Length: 5\r\n\r\n"), 200, closes: false, body: "X-Sum=9"),
        .init("invalid chunk size", request(post, "Transfer-Encoding: chunked", body: "zz\r\nabc\r\n0\r\n\r\n"), 400, closes: true, body: "invalid_chunk"),
        .init("chunk data without CRLF", request(post, "Transfer-Encoding: chunked", body: "3\r\nabcXY0\r\n\r\n"), 400, closes: true, body: "invalid_chunk"),
        .init("over-long chunk extension", request(post, "Transfer-Encoding: chunked", body: "1;" + String(repeating: "e", count: 5000) + "\r\na\r\n0\r\n\r\n"), 400, closes: true),
        .init("huge chunk size is 413", request(post, "Transfer-Encoding: chunked", body: "fffffffffffffffffff\r\n"), 413, closes: true),
        .init("chunk beyond body limit is 413", request(post, "Transfer-Encoding: chunked", body: "fffffff\r\n"), 413, closes: true, body: "body_too_large"),
        .init("unknown transfer coding is 501", request(post, "Transfer-Encoding: gzip, chunked"), 501, closes: true, body: "unsupported_transfer_encoding"),
        .init("unknown transfer coding alone is 501", request(post, "Transfer-Encoding: foo"), 501, closes: true),
        .init("chunked not last is 400", request(post, "Transfer-Encoding: chunked, gzip"), 400, closes: true, body: "invalid_transfer_encoding"),
        .init("chunked twice is 400", request(post, "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), 400, closes: true),
        .init("Transfer-Encoding with Content-Length is 400", request(post, "Transfer-Encoding: chunked", "Content-Length: 3", body: "0\r\n\r\n"), 400, closes: true, body: "conflicting_framing"),
        .init("Transfer-Encoding on HTTP/1.0 closes", "POST /f HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", 200, closes: true, body: "POST /f - 1"),
    ]

    @Test(arguments: chunkedCases)
    func chunkedRule(_ rule: ConformanceCase) throws {
        try rule.check(configure: { $0.maxBodySize = 1_000_000 })
    }

    @Test func headResponseHasLengthButNoBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send(request("HEAD /h HTTP/1.1"))
        let response = try client.readResponse(head: true)
        #expect(response.header("Content-Length") == "11") // "HEAD /h - 0"
        client.send(request("GET /next HTTP/1.1"))
        // If the HEAD response had carried a body, this would read it instead.
        #expect(try client.readResponse().bodyText == "GET /next - 0")
    }

    @Test(arguments: [204, 304])
    func bodilessStatusSendsNoBody(_ code: Int) throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send(request("GET /status/\(code) HTTP/1.1"))
        let response = try client.readResponse()
        #expect(response.status == code)
        #expect(response.header("Content-Length") == nil)
        client.send(request("GET /next HTTP/1.1"))
        #expect(try client.readResponse().bodyText == "GET /next - 0")
    }

    @Test func pipelinedChunkedRequestsStayInSync() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send(request(Self.post, "Transfer-Encoding: chunked", body: "2\r\nab\r\n0\r\n\r\n") + request("GET /after HTTP/1.1"))
        #expect(try client.readResponse().bodyText == "POST /f - 2")
        #expect(try client.readResponse().bodyText == "GET /after - 0")
    }
}
