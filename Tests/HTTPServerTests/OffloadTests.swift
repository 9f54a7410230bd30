import Foundation
import Synchronization
import Testing
@testable import HTTPServer

/// The echo responder with an `offload` the test controls, recording where things ran.
final class OffloadProbe: HTTPResponder {
    enum Mode: Sendable {
        /// Runs offloaded work on a global queue.
        case run
        /// Refuses all work, as a saturated pool does.
        case refuse
        /// Runs offloaded work only after `release()`.
        case hold
    }

    let mode: Mode
    /// Complete from a global queue (as a worker pool does) instead of inside `respond`.
    let completesElsewhere: Bool
    let offloads = Atomic<Int>(0)
    let responses = Atomic<Int>(0)
    let respondedOffIOQueue = Atomic<Bool>(false)
    private let gate = DispatchSemaphore(value: 0)

    init(_ mode: Mode, completesElsewhere: Bool = false) {
        self.mode = mode
        self.completesElsewhere = completesElsewhere
    }

    func release() { gate.signal() }

    func respond(to request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        responses.add(1, ordering: .sequentiallyConsistent)
        if DispatchQueue.getSpecific(key: HTTPConnection.ioQueueKey) == nil {
            respondedOffIOQueue.store(true, ordering: .sequentiallyConsistent)
        }
        if completesElsewhere {
            DispatchQueue.global().async { EchoResponder().respond(to: request, completion: completion) }
        } else {
            EchoResponder().respond(to: request, completion: completion)
        }
    }

    func offload(_ work: @escaping @Sendable () -> Void) -> Bool {
        offloads.add(1, ordering: .sequentiallyConsistent)
        switch mode {
        case .run:
            DispatchQueue.global().async(execute: work)
        case .refuse:
            return false
        case .hold:
            DispatchQueue.global().async { [gate] in
                gate.wait()
                work()
            }
        }
        return true
    }
}

@Suite("Inflating and compressing run off the I/O queue, on the responder's workers")
struct OffloadTests {
    private func postGzip(_ client: RawClient, _ original: [UInt8]) {
        let compressed = gzipped(original)
        client.send(request("POST /verify/\(original.count) HTTP/1.1", "Content-Encoding: gzip",
                            "Content-Length: \(compressed.count)"))
        client.send(compressed)
    }

    @Test("a gzip request body is inflated in offloaded work before the responder sees it")
    func inflationIsOffloaded() throws {
        let probe = OffloadProbe(.hold)
        let server = try TestServer(responder: probe)
        let client = try RawClient(port: server.port)
        postGzip(client, bigBody(3_000_000))
        var waited = 0
        while probe.offloads.load(ordering: .sequentiallyConsistent) == 0 && waited < 100 {
            usleep(20_000)
            waited += 1
        }
        // The whole compressed body is in and handed to a worker, which has not run yet:
        // the responder has not been called, and other connections are served meanwhile.
        #expect(probe.offloads.load(ordering: .sequentiallyConsistent) == 1)
        #expect(probe.responses.load(ordering: .sequentiallyConsistent) == 0)
        let other = try RawClient(port: server.port)
        other.send(request("GET /healthz HTTP/1.1"))
        #expect(try other.readResponse().bodyText == "GET /healthz - 0")
        probe.release()
        let response = try client.readResponse()
        #expect(response.bodyText == "intact")
        #expect(probe.offloads.load(ordering: .sequentiallyConsistent) == 1)
        // The responder is still called on the I/O queue, as HTTPResponder promises.
        let respondedOffIOQueue = probe.respondedOffIOQueue.load(ordering: .sequentiallyConsistent)
        #expect(!respondedOffIOQueue)
        client.send(request("GET /again HTTP/1.1"))
        #expect(try client.readResponse().bodyText == "GET /again - 0")
    }

    @Test("when no worker takes an inflation the client gets 503 with Retry-After and may retry on the connection")
    func refusedInflationIs503() throws {
        let probe = OffloadProbe(.refuse)
        let server = try TestServer(responder: probe)
        let client = try RawClient(port: server.port)
        postGzip(client, bigBody(100_000))
        let response = try client.readResponse()
        #expect(response.status == 503)
        #expect(response.header("Retry-After") == "1")
        #expect(response.bodyText.contains("\"code\":\"overloaded\""))
        #expect(probe.responses.load(ordering: .sequentiallyConsistent) == 0)
        client.send(request("GET /after HTTP/1.1"))
        #expect(try client.readResponse().bodyText == "GET /after - 0")
    }

    @Test("a response completed on the I/O queue is compressed in offloaded work")
    func synchronousResponseIsCompressedOffloaded() throws {
        let probe = OffloadProbe(.run)
        let server = try TestServer(responder: probe)
        let client = try RawClient(port: server.port)
        client.send(request("GET /big/100000 HTTP/1.1", "X-Response-Type: application/json", "Accept-Encoding: gzip"))
        let response = try client.readResponse()
        #expect(response.header("Content-Encoding") == "gzip")
        #expect(try inflated(response.body, coding: "gzip") == bigBody(100_000))
        #expect(probe.offloads.load(ordering: .sequentiallyConsistent) == 1)
    }

    @Test("when no worker is free that response goes out uncompressed rather than deflated on the I/O queue")
    func refusedCompressionSendsIdentity() throws {
        let probe = OffloadProbe(.refuse)
        let server = try TestServer(responder: probe)
        let client = try RawClient(port: server.port)
        client.send(request("GET /big/100000 HTTP/1.1", "X-Response-Type: application/json", "Accept-Encoding: gzip"))
        let response = try client.readResponse()
        #expect(response.header("Content-Encoding") == nil)
        #expect(response.header("Vary") == "Accept-Encoding")
        #expect(sameBytes(response.body, bigBody(100_000)))
    }

    @Test("a response completed on the responder's own thread is compressed there, without another hop")
    func workerResponseIsCompressedInPlace() throws {
        let probe = OffloadProbe(.refuse, completesElsewhere: true)
        let server = try TestServer(responder: probe)
        let client = try RawClient(port: server.port)
        client.send(request("GET /big/100000 HTTP/1.1", "X-Response-Type: application/json", "Accept-Encoding: gzip"))
        let response = try client.readResponse()
        #expect(response.header("Content-Encoding") == "gzip")
        #expect(try inflated(response.body, coding: "gzip") == bigBody(100_000))
        #expect(probe.offloads.load(ordering: .sequentiallyConsistent) == 0)
    }

    @Test("small answers are neither compressed nor offloaded")
    func smallAnswersStayPut() throws {
        let probe = OffloadProbe(.run)
        let server = try TestServer(responder: probe)
        let client = try RawClient(port: server.port)
        client.send(request("GET /healthz HTTP/1.1", "Accept-Encoding: gzip"))
        let response = try client.readResponse()
        #expect(response.header("Content-Encoding") == nil)
        #expect(probe.offloads.load(ordering: .sequentiallyConsistent) == 0)
    }
}
