import HTTPServer

/// libFuzzer entry point: parses the input four ways — all at once, one byte at a time,
/// in pseudo-random pieces, and in those pieces with body bytes delivered past the parser
/// — checks every event against the parser's invariants, and requires the four
/// transcripts to agree. Any violation traps, which libFuzzer
/// records as a crash with the input that caused it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: start, count: count))

    let whole = ParserTranscript.record(input, pieceSizes: [input.count])
    let trickled = ParserTranscript.record(input, pieceSizes: Array(repeating: 1, count: input.count))
    let pieces = ParserTranscript.record(input, pieceSizes: PieceSizes.pseudoRandom(for: input))
    // The server reads large bodies past the parser, straight into the request body.
    let direct = ParserTranscript.record(input, pieceSizes: PieceSizes.pseudoRandom(for: input), direct: true)

    // Where the bytes are split must not change what the parser decides (RFC 9112 framing
    // is a property of the byte stream, not of TCP segmentation).
    precondition(whole == trickled, "transcript differs when fed one byte at a time")
    precondition(whole == pieces, "transcript differs when fed in pseudo-random pieces")
    precondition(whole == direct, "transcript differs when body bytes bypass the parser")
    return 0
}
