import Foundation
import Logging
@testable import HTTPServer

/// A live server on an ephemeral port for one test.
final class TestServer: Sendable {
    let server: HTTPServer
    var port: Int { server.localPort }

    init(configure: (inout HTTPServer.Configuration) -> Void = { _ in }, responder: any HTTPResponder = EchoResponder()) throws {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0)
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        server = HTTPServer(configuration: configuration, responder: responder, logger: logger)
        try server.start()
    }

    /// Shuts down and waits (bounded) for completion.
    func stop() {
        let done = DispatchSemaphore(value: 0)
        server.shutdown { done.signal() }
        _ = done.wait(timeout: .now() + 10)
    }

    deinit { stop() }
}

/// Echoes method, path, query and body length; `/delay/<ms>` answers after a delay,
/// `/big/<bytes>` answers with that many patterned bytes (`application/octet-stream`, or
/// the type named by the request's `X-Response-Type`, `-` for none), `/verify/<bytes>`
/// answers `intact` when the body is exactly `bigBody(bytes)`.
struct EchoResponder: HTTPResponder {
    func respond(to request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        let parts = request.path.split(separator: "/")
        if parts.first == "big", parts.count == 2, let size = Int(parts[1]) {
            let body = bigBody(size)
            var headers: HTTPHeaders = [:]
            let type = request.headers["X-Response-Type"] ?? "application/octet-stream"
            if type != "-" { headers.add("Content-Type", type) }
            completion(HTTPResponse(headers: headers, body: body))
            return
        }
        if parts.first == "verify", parts.count == 2, let size = Int(parts[1]) {
            let verdict = sameBytes(request.body, bigBody(size)) ? "intact" : "corrupt: \(request.body.count) bytes"
            completion(HTTPResponse(headers: ["Content-Type": "text/plain"], body: Array(verdict.utf8)))
            return
        }
        if parts.first == "status", parts.count == 2, let code = Int(parts[1]) {
            completion(HTTPResponse(status: HTTPStatus(code: code), body: Array("ignored".utf8)))
            return
        }
        if request.path == "/trailers" {
            let text = request.trailers.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
            completion(HTTPResponse(body: Array(text.utf8)))
            return
        }
        let text = "\(request.method) \(request.path) \(request.query ?? "-") \(request.body.count)"
        let response = HTTPResponse(headers: ["Content-Type": "text/plain"], body: Array(text.utf8))
        if parts.first == "delay", parts.count == 2, let milliseconds = Int(parts[1]) {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { completion(response) }
        } else {
            completion(response)
        }
    }
}

/// The pattern `/big/<bytes>` produces, for integrity checks.
/// Built from a repeated 256-byte block so debug builds produce 50 MB quickly.
func bigBody(_ size: Int) -> [UInt8] {
    let block = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    var body = [UInt8]()
    body.reserveCapacity(size + 256)
    while body.count < size { body.append(contentsOf: block) }
    body.removeLast(body.count - size)
    return body
}

/// Byte equality through memcmp: fast even in debug builds, for multi-megabyte bodies.
func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 } }
}
