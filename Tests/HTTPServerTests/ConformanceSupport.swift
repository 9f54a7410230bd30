import Foundation
import Testing
@testable import HTTPServer

/// One protocol rule checked over a raw socket: bytes in, status out, connection state after.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
    let rule: String
    let request: [UInt8]
    let status: Int
    /// Whether the server must close the connection after answering.
    let closes: Bool
    /// Text the JSON error `code` (or the body) must contain, if any.
    let bodyContains: String?

    init(_ rule: String, _ request: String, _ status: Int, closes: Bool, body: String? = nil) {
        self.init(rule, Array(request.utf8), status, closes: closes, body: body)
    }

    init(_ rule: String, _ request: [UInt8], _ status: Int, closes: Bool, body: String? = nil) {
        self.rule = rule
        self.request = request
        self.status = status
        self.closes = closes
        self.bodyContains = body
    }

    var testDescription: String { rule }

    /// Sends the request to a fresh server and checks status, body and connection state.
    func check(configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws {
        let server = try TestServer(configure: configure)
        let client = try RawClient(port: server.port)
        client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status, "\(rule): \(response.statusLine) \(response.bodyText)")
        if let bodyContains {
            #expect(response.bodyText.contains(bodyContains), "\(rule): body \(response.bodyText)")
        }
        if response.status >= 400 {
            #expect(response.header("Content-Type") == "application/json", "\(rule)")
        }
        #expect(response.header("Date") != nil)
        if closes {
            #expect(response.header("Connection") == "close", "\(rule)")
            #expect(client.isClosedByPeer(within: 3), "\(rule): connection should close")
        } else {
            client.send("GET /still-open HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try client.readResponse().bodyText == "GET /still-open - 0", "\(rule): connection should stay open")
        }
    }
}

/// A request head with `Host: x` and the given extra header lines.
func request(_ line: String = "GET / HTTP/1.1", _ fields: String..., body: String = "") -> String {
    ([line, "Host: x"] + fields).joined(separator: "\r\n") + "\r\n\r\n" + body
}

func gzipped(_ bytes: [UInt8], format: ZlibStream.Format = .gzip) -> [UInt8] {
    ZlibStream(.deflate, format: format)!.deflateAll(bytes)!
}

func inflated(_ bytes: [UInt8], coding: String) throws -> [UInt8] {
    var configuration = HTTPServer.Configuration()
    configuration.maxBodySize = 1 << 30
    let format = try #require(try ContentDecoder.coding(for: ["Content-Encoding": coding], configuration: configuration))
    return try ContentDecoder.inflate(bytes, format: format, maxBodySize: configuration.maxBodySize)
}
