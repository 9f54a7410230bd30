import Foundation
import Testing
@testable import HTTPServer

@Suite("Content-Encoding: request inflation and response compression")
struct CompressionTests {
    private func post(_ body: [UInt8], coding: String, configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> (RawClient.Response, Bool) {
        let server = try TestServer(configure: configure)
        let client = try RawClient(port: server.port)
        client.send(request("POST /z HTTP/1.1", "Content-Encoding: \(coding)", "Content-Length: \(body.count)"))
        client.send(body)
        let response = try client.readResponse()
        return (response, client.isClosedByPeer(within: 0.5))
    }

    @Test(arguments: [("gzip", ZlibStream.Format.gzip), ("deflate", .zlib)])
    func compressedRequestBodyIsInflated(_ coding: String, _ format: ZlibStream.Format) throws {
        let original = bigBody(300_000)
        let (response, closed) = try post(gzipped(original, format: format), coding: coding)
        #expect(response.bodyText == "POST /z - 300000")
        #expect(!closed)
    }

    @Test func corruptGzipIs400() throws {
        let (response, closed) = try post(Array("definitely not gzip".utf8), coding: "gzip")
        #expect(response.status == 400 && response.bodyText.contains("corrupt_content"))
        #expect(closed)
    }

    @Test func truncatedGzipIs400() throws {
        let compressed = gzipped(bigBody(10_000))
        let (response, _) = try post(Array(compressed.prefix(compressed.count / 2)), coding: "gzip")
        #expect(response.status == 400 && response.bodyText.contains("ended early"))
    }

    @Test func zipBombIsStoppedAtTheBodyLimit() throws {
        let bomb = gzipped([UInt8](repeating: 0, count: 20_000_000))
        let (response, closed) = try post(bomb, coding: "gzip", configure: { $0.maxBodySize = 1_000_000 })
        #expect(bomb.count < 1_000_000)
        #expect(response.status == 413)
        #expect(closed)
    }

    @Test func unknownContentCodingIs415WithAcceptEncoding() throws {
        let (response, _) = try post(Array("abc".utf8), coding: "br")
        #expect(response.status == 415)
        #expect(response.header("Accept-Encoding") == "gzip, deflate")
    }

    @Test(arguments: [
        ("gzip", "gzip"), ("deflate", "deflate"), ("gzip;q=0.5, deflate", "deflate"),
        ("*", "gzip"), ("identity", nil), ("gzip;q=0", nil), ("br, *;q=0.1", "gzip"), ("deflate, gzip", "gzip"),
    ] as [(String, String?)])
    func responseCodingFollowsAcceptEncoding(_ accept: String, _ expected: String?) throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send(request("GET /big/5000 HTTP/1.1", "X-Response-Type: application/json", "Accept-Encoding: \(accept)"))
        let response = try client.readResponse()
        #expect(response.header("Content-Encoding") == expected)
        #expect(response.header("Vary") == "Accept-Encoding")
        let body = try expected.map { try inflated(response.body, coding: $0) } ?? response.body
        #expect(body == bigBody(5000))
    }

    @Test func smallAndHeadResponsesAreNotCompressed() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send(request("GET /big/500 HTTP/1.1", "X-Response-Type: application/json", "Accept-Encoding: gzip"))
        #expect(try client.readResponse().header("Content-Encoding") == nil)
        client.send(request("HEAD /big/5000 HTTP/1.1", "X-Response-Type: application/json", "Accept-Encoding: gzip"))
        let head = try client.readResponse(head: true)
        #expect(head.header("Content-Encoding") == nil && head.header("Content-Length") == "5000")
    }
}
