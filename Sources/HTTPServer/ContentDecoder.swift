import CZlib

/// Inflates a request body sent with `Content-Encoding: gzip` or `deflate` (RFC 9110
/// §8.4.1).
///
/// Two halves, on two sides of the connection: `coding(for:configuration:)` checks the
/// header when the head arrives (on the I/O queue: it is cheap, and a 415 must come before
/// the client uploads); `inflate` runs once the whole compressed body is in, on a worker
/// the responder provides (`HTTPResponder.offload`), never on an I/O queue. The output is
/// one buffer, sized from the gzip trailer's length when there is one, otherwise grown
/// geometrically, and capped by the body limit (no zip bombs).
enum ContentDecoder {
    /// The coding the request's `Content-Encoding` calls for; nil for none or `identity`.
    /// Other codings (or stacked ones) are 415 with `Accept-Encoding` (RFC 9110 §15.5.16).
    static func coding(for headers: HTTPHeaders, configuration: HTTPServer.Configuration) throws(HTTPParseError) -> ZlibStream.Format? {
        let codings = headers.listElements("Content-Encoding").map { $0.lowercased() }.filter { $0 != "identity" }
        guard let coding = codings.first else { return nil }
        let format: ZlibStream.Format
        switch coding {
        case "gzip", "x-gzip": format = .gzip
        case "deflate": format = .zlib
        default: throw .unsupportedContentCoding(coding)
        }
        guard codings.count == 1, configuration.decodeRequestContent else {
            throw .unsupportedContentCoding(codings.joined(separator: ", "))
        }
        return format
    }

    /// Inflates the whole of `compressed`: 413 once the output passes `maxBodySize`, 400 for
    /// corrupt data, a truncated stream or bytes after it (another gzip member excepted,
    /// RFC 1952 §2.2).
    static func inflate(_ compressed: [UInt8], format: ZlibStream.Format, maxBodySize: Int) throws(HTTPParseError) -> [UInt8] {
        guard let inflater = ZlibStream(.inflate, format: format) else {
            throw HTTPParseError(.serviceUnavailable, "decoder_unavailable", "could not allocate a decompressor")
        }
        // One byte beyond the limit is room enough to learn that the body is too large.
        let cap = maxBodySize == .max ? maxBodySize : maxBodySize + 1
        var output = BodyBuffer(capacity: min(cap, initialCapacity(compressed, format: format)))
        let stream = inflater.stream
        // Array.withUnsafeBytes does not rethrow a typed error: carry it out as a Result.
        let outcome = compressed.withUnsafeBytes { input -> Result<Void, HTTPParseError> in
            Result { () throws(HTTPParseError) in try run(input) }
        }
        try outcome.get()
        return output.take()

        func run(_ input: UnsafeRawBufferPointer) throws(HTTPParseError) {
            var consumed = 0
            while true {
                if output.freeCapacity == 0 {
                    guard output.count < cap else { throw .bodyTooLarge(maxBodySize) }
                    output.reserveFree(1, limit: cap)
                }
                let inputCount = min(input.count - consumed, Self.maxStep)
                stream.pointee.next_in = UnsafeMutablePointer(mutating: (input.baseAddress.map { $0 + consumed })?
                    .assumingMemoryBound(to: Bytef.self))
                stream.pointee.avail_in = uInt(inputCount)
                let producedBefore = output.count
                let status = output.writeIntoFreeSpace { free -> (written: Int, result: Int32) in
                    let outputCount = min(free.count, Self.maxStep)
                    stream.pointee.next_out = free.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(outputCount)
                    let status = CZlib.inflate(stream, Z_NO_FLUSH)
                    return (outputCount - Int(stream.pointee.avail_out), status)
                }
                let progressed = inputCount - Int(stream.pointee.avail_in)
                consumed += progressed
                guard output.count <= maxBodySize else { throw .bodyTooLarge(maxBodySize) }
                switch status {
                case Z_STREAM_END:
                    if consumed == input.count { return }
                    // Another gzip member may follow; anything else is garbage.
                    guard format == .gzip, inflateReset(stream) == Z_OK else { throw .corruptContent }
                case Z_OK, Z_BUF_ERROR:
                    // Out of input before the end of the stream: the body was cut short.
                    // (With input left, zlib stopped only for output space: go round again.)
                    if consumed == input.count && stream.pointee.avail_out > 0 { throw .truncatedContent }
                    if progressed == 0 && output.count == producedBefore && stream.pointee.avail_out > 0 {
                        throw .corruptContent
                    }
                default:
                    throw .corruptContent
                }
            }
        }
    }

    /// zlib counts in 32-bit `uInt`: feed it at most this much per call.
    private static let maxStep = 1 << 30

    /// The inflated size when the body says it (the gzip trailer's ISIZE, RFC 1952 §2.3.1:
    /// exact for one member under 4 GiB, and only a hint, since it is the client's word),
    /// else four times the compressed size; at least 64 KiB.
    private static func initialCapacity(_ compressed: [UInt8], format: ZlibStream.Format) -> Int {
        var estimate = compressed.count.multipliedReportingOverflow(by: 4).overflow ? Int.max : compressed.count * 4
        if format == .gzip, compressed.count >= 18 {
            let trailer = compressed[(compressed.count - 4)...]
            estimate = trailer.reversed().reduce(0) { $0 << 8 | Int($1) }
        }
        return max(estimate, BodyBuffer.minimumGrowth)
    }
}

extension HTTPParseError {
    static func unsupportedContentCoding(_ coding: String) -> HTTPParseError {
        HTTPParseError(.unsupportedMediaType, "unsupported_content_encoding",
                       "the content coding '\(coding)' is not supported; use gzip or deflate")
    }
    static let corruptContent = badRequest("corrupt_content", "the compressed request body is corrupt")
    static let truncatedContent = badRequest("corrupt_content", "the compressed request body ended early")
}
