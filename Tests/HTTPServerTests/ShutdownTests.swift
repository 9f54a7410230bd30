import Foundation
import Synchronization
import Testing
@testable import HTTPServer

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test func inFlightRequestCompletesDuringShutdown() throws {
        let server = try TestServer()
        let busy = try RawClient(port: server.port)
        let idle = try RawClient(port: server.port)
        idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try idle.readResponse()
        busy.send("GET /delay/400 HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(50_000)
        let finished = Atomic(false)
        server.server.shutdown { finished.store(true, ordering: .sequentiallyConsistent) }
        #expect(server.server.isDraining)
        #expect(idle.isClosedByPeer(within: 1))
        let response = try busy.readResponse()
        #expect(response.bodyText == "GET /delay/400 - 0")
        #expect(response.header("Connection") == "close")
        server.server.waitUntilStopped()
        let completionRan = finished.load(ordering: .sequentiallyConsistent)
        #expect(completionRan)
        #expect(throws: (any Error).self) {
            let late = try RawClient(port: server.port)
            late.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try late.readResponse()
        }
    }

    @Test func uploadInProgressFinishesDuringShutdown() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        client.send("POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345")
        usleep(50_000)
        server.server.shutdown {}
        usleep(50_000)
        client.send("67890")
        let response = try client.readResponse()
        #expect(response.bodyText == "POST /up - 10")
        server.server.waitUntilStopped()
    }

    @Test func gracePeriodBoundsAStuckRequest() throws {
        let server = try TestServer(configure: { $0.gracePeriod = .milliseconds(200) })
        let client = try RawClient(port: server.port)
        client.send("GET /delay/5000 HTTP/1.1\r\nHost: x\r\n\r\n")
        usleep(50_000)
        let started = Date()
        server.server.shutdown {}
        server.server.waitUntilStopped()
        // The stuck request would hold the server 5 s; the 0.2 s grace period must cut it short
        // (the bound is generous because the test machine may be loaded).
        #expect(Date().timeIntervalSince(started) < 4)
        #expect(client.isClosedByPeer(within: 1))
    }
}
