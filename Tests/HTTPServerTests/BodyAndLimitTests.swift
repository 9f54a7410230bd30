import Foundation
import Testing
@testable import HTTPServer

@Suite("Bodies, Expect: 100-continue and limits over raw sockets")
struct BodyAndLimitTests {
    @Test func expectContinueIsAnsweredBeforeALargeBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let size = 3 * 1024 * 1024
        client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readUntil(Array("\r\n\r\n".utf8))
        #expect(String(decoding: interim, as: UTF8.self) == "HTTP/1.1 100 Continue")
        client.send([UInt8](repeating: 0x61, count: size))
        #expect(try client.readResponse().bodyText == "POST /upload - \(size)")
    }

    @Test func oversizedContentLengthGets413WithoutContinue() throws {
        let server = try TestServer(configure: { $0.maxBodySize = 1000 })
        let client = try RawClient(port: server.port)
        client.send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\nExpect: 100-continue\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.bodyText.contains("\"code\":\"body_too_large\""))
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func malformedRequestLineGets400() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET  /double-space HTTP/1.1\r\nHost: x\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.bodyText.contains("malformed_request_line"))
        #expect(client.isClosedByPeer())
    }

    @Test func missingHostOnHTTP11Gets400() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 400)
        #expect(response.bodyText.contains("missing_host"))
    }

    @Test func postWithoutLengthGets411() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("POST / HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 411)
    }

    @Test func clientVanishingMidBodyLeavesServerHealthy() throws {
        let server = try TestServer()
        do {
            let quitter = try RawClient(port: server.port)
            quitter.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\npartial")
        }
        let client = try RawClient(port: server.port)
        client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().bodyText == "GET /after - 0")
    }

    @Test func clientVanishingMidResponseLeavesServerHealthy() throws {
        let server = try TestServer()
        do {
            let quitter = try RawClient(port: server.port)
            quitter.send("GET /big/20000000 HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try quitter.readExactly(1000)
        }
        usleep(100_000)
        let client = try RawClient(port: server.port)
        client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().bodyText == "GET /after - 0")
    }

    @Test func fiftyMegabyteResponseReachesASlowReaderIntact() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, timeout: 20)
        let size = 50 * 1024 * 1024
        client.send("GET /big/\(size) HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(300_000) // let the server hit EAGAIN with full socket buffers first
        let response = try client.readResponse()
        #expect(response.body.count == size)
        #expect(response.body == bigBody(size))
    }
}
