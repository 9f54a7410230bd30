import HTTPServer

/// Everything the parser decided about one byte stream, with body pieces coalesced per
/// message so transcripts from differently split feeds compare equal.
struct ParserTranscript: Equatable {
    enum Step: Equatable {
        case head(HTTPRequestHead)
        case body([UInt8])
        case end(trailers: HTTPHeaders)
        case failed(HTTPParseError)
    }

    private(set) var steps: [Step] = []

    /// Limits small enough that short fuzz inputs reach every cap.
    static let limits: HTTPRequestParser.Limits = {
        var limits = HTTPRequestParser.Limits()
        limits.maxRequestLineLength = 256
        limits.maxHeaderBytes = 1024
        limits.maxHeaderCount = 16
        limits.maxBodySize = 4096
        limits.maxChunkLineLength = 64
        limits.maxLeadingEmptyLines = 4
        return limits
    }()

    /// Feeds `input` in pieces of the given sizes, draining events after each piece and
    /// checking invariants as it goes.
    static func record(_ input: [UInt8], pieceSizes: [Int]) -> ParserTranscript {
        var parser = HTTPRequestParser(limits: limits)
        var transcript = ParserTranscript()
        var checker = InvariantChecker(limits: limits)
        var offset = 0
        for size in pieceSizes where offset < input.count {
            let end = min(input.count, offset + size)
            parser.append(input[offset..<end])
            offset = end
            checker.fed = offset
            while true {
                let event: HTTPRequestParser.Event?
                do {
                    event = try parser.nextEvent()
                } catch {
                    checker.checkError(error, parser: &parser)
                    transcript.steps.append(.failed(error))
                    return transcript
                }
                guard let event else { break }
                checker.check(event, bufferedByteCount: parser.bufferedByteCount)
                transcript.add(event)
            }
        }
        return transcript
    }

    private mutating func add(_ event: HTTPRequestParser.Event) {
        switch event {
        case .head(let head): steps.append(.head(head))
        case .end(let trailers): steps.append(.end(trailers: trailers))
        case .body(let bytes):
            if case .body(let previous)? = steps.last {
                steps[steps.count - 1] = .body(previous + bytes)
            } else {
                steps.append(.body(bytes))
            }
        }
    }
}
