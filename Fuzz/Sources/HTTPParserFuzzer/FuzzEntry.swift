import HTTPServer

/// libFuzzer entry point: parses the input three ways — all at once, one byte at a time,
/// and in pseudo-random pieces — checks every event against the parser's invariants,
/// and requires the three transcripts to agree. Any violation traps, which libFuzzer
/// records as a crash with the input that caused it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequestParser(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start, count > 0 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: start, count: count))

    let whole = ParserTranscript.record(input, pieceSizes: [input.count])
    let trickled = ParserTranscript.record(input, pieceSizes: Array(repeating: 1, count: input.count))
    let pieces = ParserTranscript.record(input, pieceSizes: PieceSizes.pseudoRandom(for: input))

    // Where the bytes are split must not change what the parser decides (RFC 9112 framing
    // is a property of the byte stream, not of TCP segmentation).
    precondition(whole == trickled, "transcript differs when fed one byte at a time")
    precondition(whole == pieces, "transcript differs when fed in pseudo-random pieces")
    return 0
}
