import Foundation
import Testing
@testable import HTTPServer

/// Cases found while fuzzing the request parser (Fuzz/), kept so they never regress, plus
/// a replay of the committed seed corpus under the fuzz target's split-invariance check.
@Suite("Fuzz regressions for HTTPRequestParser")
struct FuzzRegressionTests {
    /// Every event for `bytes` fed in pieces of `pieceSize`, body pieces joined, ending
    /// with the error if one was thrown. With `direct`, body bytes the parser does not need
    /// to see are delivered as the server reads them, past the parser (`consumeDirectBody`).
    private func transcript(_ bytes: [UInt8], pieceSize: Int, direct: Bool = false) -> [String] {
        var parser = HTTPRequestParser()
        var steps: [String] = []
        var body: [UInt8] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + pieceSize)
            if direct, parser.directBodyBytesWanted > 0 {
                let count = min(parser.directBodyBytesWanted, end - offset)
                body += bytes[offset..<offset + count]
                parser.consumeDirectBody(count)
                offset += count
            } else {
                parser.append(bytes[offset..<end])
                offset = end
            }
            do {
                while let event = try parser.nextEvent() {
                    switch event {
                    case .head(let head): steps.append("head \(head.method) \(head.target) \(head.framing)")
                    case .body(let piece): body += piece
                    case .end(let trailers):
                        steps.append("body \(body.count) \(body.hashValue)")
                        steps.append("end \(trailers.count)")
                        body = []
                    }
                }
            } catch {
                steps.append("error \(error.status.code) \(error.code)")
                return steps
            }
        }
        return steps
    }

    @Test func chunkSizeWithManyLeadingZerosIsAcceptedNotTooLarge() throws {
        // 1*HEXDIG allows leading zeros; only significant digits can overflow. This used
        // to answer 413 for a 16-digit "0000000000000005" chunk and a padded last-chunk.
        let message = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0000000000000005\r\nhello\r\n00000000000000000000\r\n\r\n"
        var parser = HTTPRequestParser()
        parser.append(Array(message.utf8))
        var events: [HTTPRequestParser.Event] = []
        while let event = try parser.nextEvent() { events.append(event) }
        #expect(events.count == 3)
        #expect(events[1] == .body(Array("hello".utf8)))
        #expect(events[2] == .end(trailers: [:]))
    }

    @Test func chunkSizeWithSixteenSignificantDigitsIsStillTooLarge() {
        let message = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n"
        var parser = HTTPRequestParser()
        parser.append(Array(message.utf8))
        #expect(throws: HTTPParseError.bodyTooLarge(nil)) {
            while try parser.nextEvent() != nil {}
        }
    }

    @Test func seedCorpusParsesTheSameWholeAndOneByteAtATime() throws {
        let corpus = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        #expect(names.count >= 30)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: corpus.appendingPathComponent(name)))
            let whole = transcript(bytes, pieceSize: bytes.count)
            #expect(!whole.isEmpty, "seed \(name) produced nothing")
            #expect(transcript(bytes, pieceSize: 1) == whole, "seed \(name)")
            #expect(transcript(bytes, pieceSize: 7) == whole, "seed \(name)")
            #expect(transcript(bytes, pieceSize: 1, direct: true) == whole, "seed \(name), direct")
            #expect(transcript(bytes, pieceSize: 7, direct: true) == whole, "seed \(name), direct")
            #expect(transcript(bytes, pieceSize: bytes.count, direct: true) == whole, "seed \(name), direct")
        }
    }

    @Test("body bytes delivered past the parser yield the same events as appended ones")
    func directBodyDeliveryMatchesAppending() throws {
        let message = Array(("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
            + "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4\r\nwiki\r\n5;e=1\r\npedia\r\n0\r\nX-T: 1\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        let whole = transcript(message, pieceSize: message.count)
        #expect(whole.count == 9) // head, body, end for each of three messages
        for size in 1...12 {
            #expect(transcript(message, pieceSize: size, direct: true) == whole, "pieces of \(size)")
        }
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab".utf8))
        _ = try parser.nextEvent()
        #expect(parser.directBodyBytesWanted == 0) // bytes are buffered: they come first
        #expect(try parser.nextEvent() == .body(Array("ab".utf8)))
        #expect(parser.directBodyBytesWanted == 3)
        parser.consumeDirectBody(3)
        #expect(parser.directBodyBytesWanted == 0)
        #expect(try parser.nextEvent() == .end(trailers: [:]))
    }
}
