/// Progress through a chunked body (RFC 9112 §7.1).
struct ChunkedBodyState: Sendable {
    enum Phase: Sendable {
        case sizeLine
        case data(remaining: Int)
        case dataTerminator
        case trailerFields
    }

    var phase: Phase = .sizeLine
    /// Decoded body bytes so far, checked against the body limit.
    var bodyBytes = 0
    var trailers = HTTPHeaders()
    var trailerBytes = 0
}

/// Outcome of one step through a chunked body.
enum ChunkedStep: Sendable {
    case needMoreBytes
    case progressed
    /// Chunk data at this range of the parser's buffer.
    case body(Range<Int>)
    case finished(trailers: HTTPHeaders)
}

extension HTTPRequestParser {
    /// Trailer fields that could alter framing, routing or how the body is read are
    /// dropped (RFC 9110 §6.5.1): trailers arrive after the body is already framed.
    static let forbiddenTrailerFields: Set<String> = [
        "content-length", "transfer-encoding", "host", "content-encoding", "content-type",
        "content-range", "trailer", "connection", "keep-alive", "te", "upgrade", "expect",
        "authorization", "cache-control", "set-cookie", "cookie",
    ]

    mutating func stepChunked(_ chunked: inout ChunkedBodyState) throws(HTTPParseError) -> ChunkedStep {
        switch chunked.phase {
        case .sizeLine:
            guard let line = try takeLine(limit: limits.maxChunkLineLength, tooLong: .chunkLineTooLong) else {
                return .needMoreBytes
            }
            let size = try Self.parseChunkSize(buffer[line])
            guard size <= limits.maxBodySize - chunked.bodyBytes else { throw .bodyTooLarge(limits.maxBodySize) }
            chunked.phase = size == 0 ? .trailerFields : .data(remaining: size)
            return .progressed
        case .data(let remaining):
            guard bufferedByteCount > 0 else { return .needMoreBytes }
            let take = min(remaining, bufferedByteCount)
            let piece = readIndex..<readIndex + take
            readIndex += take
            chunked.bodyBytes += take
            chunked.phase = take == remaining ? .dataTerminator : .data(remaining: remaining - take)
            return .body(piece)
        case .dataTerminator:
            // chunk-data is followed by exactly CRLF (RFC 9112 §7.1).
            guard let line = try takeLine(limit: 0, tooLong: .badChunkTerminator) else { return .needMoreBytes }
            guard line.isEmpty else { throw .badChunkTerminator }
            chunked.phase = .sizeLine
            return .progressed
        case .trailerFields:
            // trailer-section is field lines under the same limits as the header block (§7.1.2).
            let budget = max(0, limits.maxHeaderBytes - chunked.trailerBytes)
            guard let line = try takeLine(limit: budget, tooLong: .headerBlockTooLarge) else { return .needMoreBytes }
            chunked.trailerBytes += line.count + 2
            if line.isEmpty { return .finished(trailers: chunked.trailers) }
            guard chunked.trailers.count < limits.maxHeaderCount else { throw .tooManyHeaderFields }
            let (name, value) = try Self.parseFieldLine(buffer[line])
            if !Self.forbiddenTrailerFields.contains(name.lowercased()) {
                chunked.trailers.add(name, value)
            }
            return .progressed
        }
    }

    /// chunk-size = 1*HEXDIG, optionally followed by BWS and chunk extensions, which are
    /// ignored but must not contain control bytes (RFC 9112 §7.1.1).
    static func parseChunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        var size = 0
        var digits = 0
        var significantDigits = 0
        var index = line.startIndex
        while index < line.endIndex, let digit = hexValue(line[index]) {
            // Leading zeros are valid 1*HEXDIG and add nothing (the line cap bounds them);
            // 15 significant hex digits fit in Int64 without overflow, more is absurdly large.
            if significantDigits > 0 || digit > 0 { significantDigits += 1 }
            guard significantDigits <= 15 else { throw .bodyTooLarge(nil) }
            size = size &* 16 &+ digit
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw .badChunkSize }
        while index < line.endIndex, line[index] == 0x20 || line[index] == 0x09 { index += 1 }
        guard index == line.endIndex || line[index] == UInt8(ascii: ";") else { throw .badChunkSize }
        for byte in line[index...] where (byte < 0x20 && byte != 0x09) || byte == 0x7F {
            throw .badChunkSize
        }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
