import CZlib

/// Inflates a request body sent with `Content-Encoding: gzip` or `deflate` (RFC 9110
/// §8.4.1) piece by piece as it arrives, so memory stays proportional to the inflated
/// size, which is capped by the body limit (no zip bombs).
final class ContentDecoder {
    private let inflater: ZlibStream
    private let maxBodySize: Int
    private var finished = false
    private static let outputChunk = 64 * 1024

    private init(inflater: ZlibStream, maxBodySize: Int) {
        self.inflater = inflater
        self.maxBodySize = maxBodySize
    }

    /// The decoder the request's `Content-Encoding` calls for; nil for none or `identity`.
    /// Other codings (or stacked ones) are 415 with `Accept-Encoding` (RFC 9110 §15.5.16).
    static func forRequest(_ headers: HTTPHeaders, configuration: HTTPServer.Configuration) throws(HTTPParseError) -> ContentDecoder? {
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
        guard let inflater = ZlibStream(.inflate, format: format) else {
            throw HTTPParseError(.serviceUnavailable, "decoder_unavailable", "could not allocate a decompressor")
        }
        return ContentDecoder(inflater: inflater, maxBodySize: configuration.maxBodySize)
    }

    /// Inflates `bytes`, appending to `body`; 413 once the output passes the limit.
    func decode(_ bytes: [UInt8], into body: inout [UInt8]) throws(HTTPParseError) {
        var output = [UInt8](repeating: 0, count: Self.outputChunk)
        var remaining = bytes[...]
        while true {
            if finished {
                if remaining.isEmpty { return }
                // Another gzip member may follow (RFC 1952 §2.2); anything else is garbage.
                guard inflater.format == .gzip, inflateReset(inflater.stream) == Z_OK else { throw .corruptContent }
                finished = false
            }
            let (consumed, produced, status) = step(remaining, &output)
            remaining = remaining.dropFirst(consumed)
            guard produced <= maxBodySize - body.count else { throw .bodyTooLarge(maxBodySize) }
            body.append(contentsOf: output[0..<produced])
            switch status {
            case Z_STREAM_END:
                finished = true
            case Z_OK, Z_BUF_ERROR:
                // A full output buffer may leave output pending inside zlib: go round again.
                if consumed == 0 && produced == 0 { return }
                if remaining.isEmpty && produced < Self.outputChunk { return }
            default:
                throw .corruptContent
            }
        }
    }

    /// Checks the stream ended properly: a truncated body is a 400, not silent data loss.
    func finish(into body: inout [UInt8]) throws(HTTPParseError) {
        guard finished else { throw .truncatedContent }
    }

    private func step(_ input: ArraySlice<UInt8>, _ output: inout [UInt8]) -> (consumed: Int, produced: Int, status: Int32) {
        let stream = inflater.stream
        return input.withUnsafeBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: inBytes.bindMemory(to: Bytef.self).baseAddress)
                stream.pointee.avail_in = uInt(inBytes.count)
                stream.pointee.next_out = outBytes.bindMemory(to: Bytef.self).baseAddress
                stream.pointee.avail_out = uInt(outBytes.count)
                let status = inflate(stream, Z_NO_FLUSH)
                return (inBytes.count - Int(stream.pointee.avail_in), outBytes.count - Int(stream.pointee.avail_out), status)
            }
        }
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
