import Foundation
import Testing
@testable import HTTPServer

@Suite("Compression policy: text types above the threshold, binary tensors as they are")
struct CompressionPolicyTests {
    private static let pythonRequests = "gzip, deflate"

    private func get(_ path: String, type: String, acceptEncoding: String?,
                     configure: (inout HTTPServer.Configuration) -> Void = { _ in }) throws -> RawClient.Response {
        let server = try TestServer(configure: configure)
        let client = try RawClient(port: server.port)
        var fields = ["X-Response-Type: \(type)"]
        if let acceptEncoding { fields.append("Accept-Encoding: \(acceptEncoding)") }
        client.send((["GET \(path) HTTP/1.1", "Host: x"] + fields).joined(separator: "\r\n") + "\r\n\r\n")
        return try client.readResponse()
    }

    @Test("a binary tensor response is not compressed even when the client accepts gzip",
          arguments: ["application/vnd.safetensors", "application/octet-stream", "image/png", "-"])
    func binaryResponsesAreSentAsTheyAre(_ type: String) throws {
        let response = try get("/big/200000", type: type, acceptEncoding: Self.pythonRequests)
        #expect(response.header("Content-Encoding") == nil)
        #expect(response.header("Content-Length") == "200000")
        #expect(sameBytes(response.body, bigBody(200_000)))
        // The policy would not compress it for any Accept-Encoding, so it does not vary by it.
        #expect(response.header("Vary") == nil)
    }

    @Test("an uncompressed response is the same bytes whatever Accept-Encoding said")
    func uncompressedResponseIgnoresAcceptEncoding() throws {
        let offered = try get("/big/200000", type: "application/vnd.safetensors", acceptEncoding: Self.pythonRequests)
        let plain = try get("/big/200000", type: "application/vnd.safetensors", acceptEncoding: nil)
        let withoutDate = { (response: RawClient.Response) in
            response.headers.filter { $0.0 != "Date" }.map { "\($0.0): \($0.1)" }
        }
        #expect(offered.statusLine == plain.statusLine)
        #expect(withoutDate(offered) == withoutDate(plain))
        #expect(sameBytes(offered.body, plain.body))
    }

    @Test("a JSON response above the threshold is compressed, with Vary",
          arguments: ["application/json", "application/json; charset=utf-8", "application/problem+json",
                      "application/yaml", "text/plain; version=0.0.4; charset=utf-8", "application/openmetrics-text"])
    func textResponsesAreCompressed(_ type: String) throws {
        let response = try get("/big/5000", type: type, acceptEncoding: Self.pythonRequests)
        #expect(response.header("Content-Encoding") == "gzip")
        #expect(response.header("Vary") == "Accept-Encoding")
        #expect(try inflated(response.body, coding: "gzip") == bigBody(5000))
    }

    @Test("a JSON response below the threshold is sent as it is")
    func smallTextIsNotCompressed() throws {
        let response = try get("/big/1023", type: "application/json", acceptEncoding: Self.pythonRequests)
        #expect(response.header("Content-Encoding") == nil && response.header("Vary") == nil)
        let atThreshold = try get("/big/1024", type: "application/json", acceptEncoding: Self.pythonRequests)
        #expect(atThreshold.header("Content-Encoding") == "gzip")
    }

    @Test("a compressible response keeps Vary for a client that accepts only identity")
    func varyWithoutCompression() throws {
        let response = try get("/big/5000", type: "application/json", acceptEncoding: "identity")
        #expect(response.header("Content-Encoding") == nil)
        #expect(response.header("Vary") == "Accept-Encoding")
    }

    @Test("listing a binary type turns its compression on")
    func operatorCanCompressBinary() throws {
        let response = try get("/big/200000", type: "application/vnd.safetensors", acceptEncoding: Self.pythonRequests) {
            $0.compressibleMediaTypes += ["application/vnd.safetensors"]
        }
        #expect(response.header("Content-Encoding") == "gzip")
        #expect(response.header("Vary") == "Accept-Encoding")
        #expect(try inflated(response.body, coding: "gzip") == bigBody(200_000))
    }

    @Test("an empty type list, a higher threshold or compressResponses=false turn compression off")
    func compressionCanBeTurnedOff() throws {
        let empty = try get("/big/5000", type: "application/json", acceptEncoding: "gzip") { $0.compressibleMediaTypes = [] }
        let threshold = try get("/big/5000", type: "application/json", acceptEncoding: "gzip") { $0.compressionThreshold = 5001 }
        let off = try get("/big/5000", type: "application/json", acceptEncoding: "gzip") { $0.compressResponses = false }
        for response in [empty, threshold, off] {
            #expect(response.header("Content-Encoding") == nil && response.header("Vary") == nil)
            #expect(response.body == bigBody(5000))
        }
    }

    @Test("media type patterns match as nginx's gzip_types does, plus +suffix")
    func mediaTypeMatching() {
        let defaults = HTTPServer.Configuration.textMediaTypes
        for type in ["application/json", "Application/JSON; charset=utf-8", "application/problem+json", "text/plain",
                     "text/plain; version=0.0.4", "application/yaml", "application/x-yaml", "application/openmetrics-text; version=1.0.0"] {
            #expect(ResponseCompressor.isCompressible(contentType: type, types: defaults), "\(type)")
        }
        for type in ["application/vnd.safetensors", "application/octet-stream", "image/svg", "application/jsonx", "textual/plain", "", "json"] {
            #expect(!ResponseCompressor.isCompressible(contentType: type, types: defaults), "\(type)")
        }
        #expect(!ResponseCompressor.isCompressible(contentType: nil, types: defaults))
        #expect(ResponseCompressor.isCompressible(contentType: nil, types: ["*"]))
        #expect(ResponseCompressor.isCompressible(contentType: "application/vnd.safetensors", types: ["application/*"]))
        #expect(ResponseCompressor.isCompressible(contentType: "application/vnd.safetensors", types: [" Application/Vnd.Safetensors "]))
    }

    @Test("pattern validation accepts type/subtype, type/*, type/*+suffix and *")
    func patternValidation() {
        for pattern in ["*", "text/*", "application/json", "application/*+json", "application/vnd.safetensors"] {
            #expect(HTTPServer.Configuration.isValidMediaTypePattern(pattern), "\(pattern)")
        }
        for pattern in ["", "json", "*/json", "text/", "/json", "text/plain/x", "text/pl ain", "application/*json", "application/*+"] {
            #expect(!HTTPServer.Configuration.isValidMediaTypePattern(pattern), "\(pattern)")
        }
    }
}
