import Foundation
import Testing
@testable import HTTPServer

@Suite("Hostile clients: timeouts, connection cap, slowloris")
struct HostileClientTests {
    @Test func incompleteHeadTimesOutWith408() throws {
        let server = try TestServer(configure: { $0.headerTimeout = .milliseconds(300) })
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(client.isClosedByPeer())
    }

    @Test func idleKeepAliveConnectionIsClosedSilently() throws {
        let server = try TestServer(configure: { $0.idleTimeout = .milliseconds(300) })
        let client = try RawClient(port: server.port)
        client.send(request("GET / HTTP/1.1"))
        _ = try client.readResponse()
        #expect(client.isClosedByPeer(within: 2))
    }

    @Test func trickledBodyBelowMinimumRateGets408() throws {
        let server = try TestServer(configure: {
            $0.minimumBodyRate = 10_000
            $0.bodyRateWindow = .milliseconds(300)
        })
        let client = try RawClient(port: server.port)
        client.send(request("POST / HTTP/1.1", "Content-Length: 100000"))
        client.send("a")
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(client.isClosedByPeer())
    }

    @Test func clientThatStopsReadingIsDroppedAfterWriteTimeout() throws {
        let server = try TestServer(configure: { $0.writeTimeout = .milliseconds(300) })
        let client = try RawClient(port: server.port)
        client.send(request("GET /big/40000000 HTTP/1.1"))
        var open = server.server.connectionCount
        for _ in 0..<50 where open > 0 {
            usleep(100_000)
            open = server.server.connectionCount
        }
        #expect(open == 0)
    }

    @Test func connectionsBeyondTheCapGet503() throws {
        let server = try TestServer(configure: { $0.maxConnections = 2 })
        let first = try RawClient(port: server.port)
        let second = try RawClient(port: server.port)
        first.send(request("GET / HTTP/1.1"))
        second.send(request("GET / HTTP/1.1"))
        _ = try first.readResponse()
        _ = try second.readResponse()
        let third = try RawClient(port: server.port)
        third.send(request("GET / HTTP/1.1"))
        let refused = try third.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(refused.bodyText.contains("too_many_connections"))
    }

    @Test func errorResponseSurvivesAClientStillUploading() throws {
        // Lingering close: the 413 must arrive even though the client keeps sending.
        let server = try TestServer(configure: { $0.maxBodySize = 10 })
        let client = try RawClient(port: server.port)
        client.send(request("POST / HTTP/1.1", "Transfer-Encoding: chunked"))
        client.send("100\r\n" + String(repeating: "x", count: 256) + "\r\n")
        client.send([UInt8](repeating: 0x41, count: 200_000))
        #expect(try client.readResponse().status == 413)
    }

    @Test func slowlorisDoesNotStarveANormalClient() throws {
        let server = try TestServer()
        let trickling = try (0..<500).map { _ in try RawClient(port: server.port) }
        for client in trickling { client.send("GET / HTTP/1.1\r\nX-Slow: ") }
        for round in 0..<3 {
            for client in trickling { client.send("a") }
            let started = Date()
            let normal = try RawClient(port: server.port)
            normal.send(request("GET /normal?round=\(round) HTTP/1.1"))
            #expect(try normal.readResponse().bodyText == "GET /normal round=\(round) 0")
            #expect(Date().timeIntervalSince(started) < 1)
        }
        #expect(server.server.connectionCount >= 500)
    }

    @Test func parserNeverTrapsOnRandomBytes() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var parser = HTTPRequestParser(limits: .init(maxRequestLineLength: 64, maxHeaderBytes: 256, maxHeaderCount: 8, maxBodySize: 1024))
            let prefix = Array("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            let noise = (0..<Int.random(in: 0..<200, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            parser.append(Bool.random(using: &generator) ? prefix + noise : noise)
            for _ in 0..<1000 {
                guard let event = try? parser.nextEvent() else { break }
                if case .end = event { break }
            }
        }
    }
}
