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
    /// checking invariants as it goes. With `direct`, body bytes the parser offers to skip
    /// (`directBodyBytesWanted`) are delivered past it, as the server reads large bodies.
    static func record(_ input: [UInt8], pieceSizes: [Int], direct: Bool = false) -> ParserTranscript {
        var parser = HTTPRequestParser(limits: limits)
        var transcript = ParserTranscript()
        var checker = InvariantChecker(limits: limits)
        var offset = 0
        var sizes = pieceSizes[...]
        while offset < input.count, let size = sizes.first {
            let end = min(input.count, offset + size)
            let wanted = direct ? parser.directBodyBytesWanted : 0
            if wanted > 0 {
                // Part of this piece goes straight into the body; the rest is the next piece.
                let count = min(wanted, end - offset)
                let piece = Array(input[offset..<offset + count])
                parser.consumeDirectBody(count)
                offset += count
                checker.fed = offset
                let event = HTTPRequestParser.Event.body(piece)
                checker.check(event, bufferedByteCount: parser.bufferedByteCount)
                transcript.add(event)
                if offset == end { sizes = sizes.dropFirst() } else { sizes[sizes.startIndex] = end - offset }
            } else {
                parser.append(input[offset..<end])
                offset = end
                checker.fed = offset
                sizes = sizes.dropFirst()
            }
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
