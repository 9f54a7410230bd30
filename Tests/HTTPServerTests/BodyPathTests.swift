import Foundation
import Testing
@testable import HTTPServer

@Suite("Large bodies: one buffer from Content-Length, chunked and inflated bodies grown in place")
struct BodyPathTests {
    @Test("a 40 MB Content-Length body arrives intact")
    func fortyMegabyteBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, timeout: 30)
        let size = 40 * 1024 * 1024
        client.send(request("POST /verify/\(size) HTTP/1.1", "Content-Length: \(size)"))
        client.send(bigBody(size))
        #expect(try client.readResponse().bodyText == "intact")
    }

    @Test("a body at exactly the limit is accepted, one byte more is 413")
    func bodyAtTheLimit() throws {
        let limit = 3 * 1024 * 1024 + 7
        let server = try TestServer(configure: { $0.maxBodySize = limit })
        let client = try RawClient(port: server.port, timeout: 30)
        client.send(request("POST /verify/\(limit) HTTP/1.1", "Content-Length: \(limit)"))
        client.send(bigBody(limit))
        #expect(try client.readResponse().bodyText == "intact")
        client.send(request("POST /verify/\(limit + 1) HTTP/1.1", "Content-Length: \(limit + 1)"))
        #expect(try client.readResponse().status == 413)
    }

    @Test("a 10 MB chunked body of large and tiny chunks arrives intact")
    func tenMegabyteChunkedBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, timeout: 30)
        let size = 10 * 1024 * 1024
        let body = bigBody(size)
        client.send(request("POST /verify/\(size) HTTP/1.1", "Transfer-Encoding: chunked"))
        var offset = 0
        var index = 0
        // Chunks from 1 byte to 3 MB, so some data is read straight into the body and some
        // arrives in the same segment as chunk-size lines.
        let sizes = [1, 3 * 1024 * 1024, 17, 65_536, 1_000_000, 2, 700_001]
        while offset < size {
            let length = min(sizes[index % sizes.count], size - offset)
            client.send(Array(String(length, radix: 16).utf8) + [0x0D, 0x0A] + body[offset..<offset + length] + [0x0D, 0x0A])
            offset += length
            index += 1
        }
        client.send("0\r\n\r\n")
        #expect(try client.readResponse().bodyText == "intact")
    }

    @Test("a chunked body over the limit is 413 however its chunks are sized")
    func chunkedOverTheLimit() throws {
        let server = try TestServer(configure: { $0.maxBodySize = 1_000_000 })
        let client = try RawClient(port: server.port, timeout: 30)
        client.send(request("POST /verify/1 HTTP/1.1", "Transfer-Encoding: chunked"))
        let chunk = Array(String(600_000, radix: 16).utf8) + [0x0D, 0x0A] + [UInt8](repeating: 0x61, count: 600_000) + [0x0D, 0x0A]
        client.send(chunk)
        client.send(chunk)
        #expect(try client.readResponse().status == 413)
    }

    @Test("a 10 MB gzip body inflates intact, and a deflate one")
    func largeCompressedBody() throws {
        let server = try TestServer()
        let size = 10 * 1024 * 1024
        for (coding, format) in [("gzip", ZlibStream.Format.gzip), ("deflate", .zlib)] {
            let client = try RawClient(port: server.port, timeout: 30)
            let compressed = gzipped(bigBody(size), format: format)
            client.send(request("POST /verify/\(size) HTTP/1.1", "Content-Encoding: \(coding)", "Content-Length: \(compressed.count)"))
            client.send(compressed)
            #expect(try client.readResponse().bodyText == "intact", "\(coding)")
        }
    }

    @Test("a gzip body inflates into one buffer sized from its trailer, deflate grows in place")
    func inflationAllocatesOnce() throws {
        let original = bigBody(5_000_000)
        let gzip = try ContentDecoder.inflate(gzipped(original), format: .gzip, maxBodySize: 1 << 30)
        #expect(sameBytes(gzip, original))
        // Exactly the announced size: no doubling when the output fills the buffer.
        #expect(gzip.capacity < original.count + 4096, "capacity \(gzip.capacity)")
        let deflate = try ContentDecoder.inflate(gzipped(original, format: .zlib), format: .zlib, maxBodySize: 1 << 30)
        #expect(sameBytes(deflate, original))
        #expect(deflate.capacity < 2 * original.count + 4096)
    }

    @Test("a gzip body of several members inflates to their concatenation")
    func multiMemberGzip() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port)
        let body = bigBody(300_000)
        let compressed = gzipped(Array(body[..<100_000])) + gzipped(Array(body[100_000...]))
        client.send(request("POST /verify/300000 HTTP/1.1", "Content-Encoding: gzip", "Content-Length: \(compressed.count)"))
        client.send(compressed)
        #expect(try client.readResponse().bodyText == "intact")
    }

    @Test("a gzip trailer lying about the size neither breaks nor bypasses the limit")
    func lyingGzipTrailer() throws {
        let server = try TestServer(configure: { $0.maxBodySize = 2_000_000 })
        var small = gzipped(bigBody(1_500_000))
        small.replaceSubrange((small.count - 4)..., with: [0x10, 0, 0, 0]) // claims 16 bytes
        var big = gzipped([UInt8](repeating: 0, count: 5_000_000))
        big.replaceSubrange((big.count - 4)..., with: [0x10, 0, 0, 0])
        for (body, status) in [(small, 400), (big, 413)] {
            let client = try RawClient(port: server.port)
            client.send(request("POST /verify/1500000 HTTP/1.1", "Content-Encoding: gzip", "Content-Length: \(body.count)"))
            client.send(body)
            // A wrong ISIZE is a corrupt trailer (zlib checks it): 400; past the limit: 413 first.
            #expect(try client.readResponse().status == status)
        }
    }

    @Test("a request pipelined right behind a large body is answered after it")
    func pipelinedAfterLargeBody() throws {
        let server = try TestServer()
        let client = try RawClient(port: server.port, timeout: 30)
        let size = 5 * 1024 * 1024
        client.send(Array(request("POST /verify/\(size) HTTP/1.1", "Content-Length: \(size)").utf8) + bigBody(size)
                    + Array(request("GET /next HTTP/1.1").utf8))
        #expect(try client.readResponse().bodyText == "intact")
        #expect(try client.readResponse().bodyText == "GET /next - 0")
    }

    @Test("BodyBuffer grows geometrically and hands over exactly what was written")
    func bodyBufferGrowth() {
        var buffer = BodyBuffer()
        var capacities: [Int] = []
        let piece = [UInt8](repeating: 7, count: 10_000)
        for _ in 0..<100 {
            piece.withUnsafeBytes { buffer.append($0, limit: 10_000_000) }
            let capacity = buffer.count + buffer.freeCapacity
            if capacities.last != capacity { capacities.append(capacity) }
        }
        #expect(buffer.count == 1_000_000)
        // 64 KiB, then doubling: five allocations for 1 MB rather than one per append.
        #expect(capacities.count <= 6)
        #expect(capacities.first == BodyBuffer.minimumGrowth)
        let bytes = buffer.take()
        #expect(bytes.count == 1_000_000 && bytes.allSatisfy { $0 == 7 })
        #expect(buffer.count == 0)

        var limited = BodyBuffer()
        limited.reserveFree(10, limit: 100)
        #expect(limited.freeCapacity == 100)
    }
}
