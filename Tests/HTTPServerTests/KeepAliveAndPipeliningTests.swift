import Foundation
import Testing
@testable import HTTPServer

@Suite("Keep-alive, pipelining and concurrency over raw sockets")
struct KeepAliveAndPipeliningTests {
    @Test func twoRequestsReuseOneConnection() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET /one HTTP/1.1\r\nHost: x\r\n\r\n")
        let first = try client.readResponse()
        client.send("GET /two?a=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let second = try client.readResponse()
        #expect(first.status == 200 && first.bodyText == "GET /one - 0")
        #expect(second.bodyText == "GET /two a=1 0")
        #expect(first.header("Connection") == nil)
        #expect(first.header("Date") != nil && first.header("Server") == "lossd")
        #expect(server.server.connectionCount == 1)
    }

    @Test func connectionCloseIsHonoured() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func http10ClosesByDefaultAndKeepsAliveOnRequest() throws {
        let server = try TestServer()
        let plain = try RawClient(port: server.port)
        plain.send("GET / HTTP/1.0\r\n\r\n")
        #expect(try plain.readResponse().header("Connection") == "close")
        #expect(plain.isClosedByPeer())

        let persistent = try RawClient(port: server.port)
        persistent.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try persistent.readResponse().header("Connection") == "keep-alive")
        persistent.send("GET /b HTTP/1.0\r\n\r\n")
        #expect(try persistent.readResponse().bodyText == "GET /b - 0")
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        // The slow first request must still be answered first.
        client.send("GET /delay/200 HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
            + "GET /last HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().bodyText == "GET /delay/200 - 0")
        #expect(try client.readResponse().bodyText == "POST /p - 3")
        #expect(try client.readResponse().bodyText == "GET /last - 0")
    }

    @Test func byteAtATimeRequestIsParsed() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        for byte in Array("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello".utf8) {
            client.send([byte])
            usleep(1000)
        }
        #expect(try client.readResponse().bodyText == "POST /slow - 5")
    }

    @Test func fiftySimultaneousConnectionsAreServed() throws {
        let server = try TestServer()
        // All fifty are open with half-sent heads before any completes.
        let clients = try (0..<50).map { _ in try RawClient(port: server.port) }
        for (index, client) in clients.enumerated() { client.send("GET /c\(index) HTTP/1.1\r\n") }
        for client in clients { client.send("Host: x\r\n\r\n") }
        for (index, client) in clients.enumerated() {
            #expect(try client.readResponse().bodyText == "GET /c\(index) - 0")
        }
        #expect(server.server.connectionCount == 50)
    }

    @Test func ipv6LoopbackWorks() throws {
        let server = try TestServer(configure: { $0.host = "::1" })
        let client = try RawClient(port: server.port, host: "::1")
        client.send("GET /v6 HTTP/1.1\r\nHost: [::1]\r\n\r\n")
        #expect(try client.readResponse().bodyText == "GET /v6 - 0")
    }

    @Test func bindingATakenPortThrowsAddressInUse() throws {
        let first = try TestServer()
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: first.port)
        configuration.port = first.port
        let second = HTTPServer(configuration: configuration, responder: EchoResponder(), logger: .init(label: "t"))
        #expect(throws: HTTPServerError.addressInUse(host: "127.0.0.1", port: first.port)) { try second.start() }
    }
}
