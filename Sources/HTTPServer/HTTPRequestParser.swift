/// An incremental HTTP/1.1 request parser (RFC 9112), independent of sockets.
///
/// Feed bytes with `append`, then call `nextEvent()` until it returns nil (needs more
/// bytes). Each message yields `.head`, zero or more `.body` pieces and `.end`; the next
/// pipelined message follows. Every limit is enforced before the bytes it guards are
/// buffered beyond it, and a thrown error is sticky: the parser never resynchronises.
///
/// Public so the libFuzzer harness in `Fuzz/` can drive it; the server is its only other user.
public struct HTTPRequestParser: Sendable {
    /// Caps that bound memory and work per message.
    public struct Limits: Sendable, Equatable {
        /// Longest request line accepted (414 beyond).
        public var maxRequestLineLength: Int
        /// Largest header block, and separately trailer section, accepted (431 beyond).
        public var maxHeaderBytes: Int
        /// Most header (or trailer) fields accepted (431 beyond).
        public var maxHeaderCount: Int
        /// Largest body accepted, fixed-length or chunked (413 beyond).
        public var maxBodySize: Int
        /// Longest chunk-size line, extensions included.
        public var maxChunkLineLength: Int
        /// Empty lines tolerated before a request line (RFC 9112 §2.2).
        public var maxLeadingEmptyLines: Int

        /// Limits with the server's defaults for any cap not given.
        public init(
            maxRequestLineLength: Int = 8 * 1024, maxHeaderBytes: Int = 64 * 1024, maxHeaderCount: Int = 100,
            maxBodySize: Int = 256 * 1024 * 1024, maxChunkLineLength: Int = 4 * 1024, maxLeadingEmptyLines: Int = 16
        ) {
            self.maxRequestLineLength = maxRequestLineLength
            self.maxHeaderBytes = maxHeaderBytes
            self.maxHeaderCount = maxHeaderCount
            self.maxBodySize = maxBodySize
            self.maxChunkLineLength = maxChunkLineLength
            self.maxLeadingEmptyLines = maxLeadingEmptyLines
        }
    }

    /// What the parser recognised next.
    public enum Event: Sendable, Equatable {
        /// A validated request head; its `framing` says what body follows.
        case head(HTTPRequestHead)
        /// A piece of decoded body (chunk framing removed), in order.
        case body([UInt8])
        /// The end of the message, with any permitted trailer fields.
        case end(trailers: HTTPHeaders)
    }

    enum State: Sendable {
        case requestLine(emptyLinesSeen: Int)
        case fields(PartialHead)
        case fixedBody(remaining: Int)
        case chunked(ChunkedBodyState)
        case failed(HTTPParseError)
    }

    let limits: Limits
    var state: State = .requestLine(emptyLinesSeen: 0)
    var buffer: [UInt8] = []
    /// First unconsumed byte of `buffer`.
    var readIndex = 0
    /// Where the search for the next LF resumes, so trickled bytes are scanned once.
    var scanIndex = 0

    /// A parser positioned before the first request line.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// True between messages with nothing buffered: the connection is idle.
    var isIdle: Bool {
        if case .requestLine(0) = state { return bufferedByteCount == 0 }
        return false
    }

    /// Adds received bytes, compacting consumed ones first.
    public mutating func append<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
            scanIndex = 0
        } else if readIndex >= 64 * 1024 && readIndex * 2 >= buffer.count {
            buffer.removeSubrange(0..<readIndex)
            scanIndex -= readIndex
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete event, nil when more bytes are needed. A thrown error is
    /// sticky: every later call throws it again.
    public mutating func nextEvent() throws(HTTPParseError) -> Event? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step() throws(HTTPParseError) -> Event? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .requestLine(let emptyLinesSeen):
                guard let line = try takeLine(limit: limits.maxRequestLineLength, tooLong: .requestLineTooLong) else {
                    return nil
                }
                if line.isEmpty {
                    guard emptyLinesSeen < limits.maxLeadingEmptyLines else { throw .tooManyEmptyLines }
                    state = .requestLine(emptyLinesSeen: emptyLinesSeen + 1)
                    continue
                }
                state = .fields(try Self.parseRequestLine(buffer[line]))
            case .fields(var partial):
                let budget = limits.maxHeaderBytes - partial.headerBytes
                guard let line = try takeLine(limit: max(0, budget), tooLong: .headerBlockTooLarge) else {
                    return nil
                }
                partial.headerBytes += line.count + 2
                if line.isEmpty {
                    let head = try HTTPRequestHead.validated(partial, maxBodySize: limits.maxBodySize)
                    switch head.framing {
                    case .none: state = .fixedBody(remaining: 0)
                    case .length(let length): state = .fixedBody(remaining: length)
                    case .chunked: state = .chunked(ChunkedBodyState())
                    }
                    return .head(head)
                }
                guard partial.headers.count < limits.maxHeaderCount else { throw .tooManyHeaderFields }
                let (name, value) = try Self.parseFieldLine(buffer[line])
                partial.headers.add(name, value)
                state = .fields(partial)
            case .fixedBody(let remaining):
                if remaining == 0 {
                    state = .requestLine(emptyLinesSeen: 0)
                    return .end(trailers: [:])
                }
                guard bufferedByteCount > 0 else { return nil }
                let take = min(remaining, bufferedByteCount)
                let piece = Array(buffer[readIndex..<readIndex + take])
                readIndex += take
                state = .fixedBody(remaining: remaining - take)
                return .body(piece)
            case .chunked(var chunked):
                // Park a placeholder so `chunked` is uniquely referenced while it mutates.
                state = .fixedBody(remaining: 0)
                let outcome = try stepChunked(&chunked)
                state = .chunked(chunked)
                switch outcome {
                case .needMoreBytes: return nil
                case .progressed: continue
                case .event(let event): return event
                case .finished(let trailers):
                    state = .requestLine(emptyLinesSeen: 0)
                    return .end(trailers: trailers)
                }
            }
        }
    }

    /// The range of the next line without its terminator (CRLF, or a lone LF as RFC 9112
    /// §2.2 allows), nil when incomplete. A CR elsewhere stays in the line, where the
    /// grammar checks reject it as a bare CR.
    mutating func takeLine(limit: Int, tooLong: HTTPParseError) throws(HTTPParseError) -> Range<Int>? {
        let searchEnd = min(buffer.count, readIndex + limit + 2)
        var index = max(scanIndex, readIndex)
        while index < searchEnd {
            if buffer[index] == 0x0A {
                var end = index
                if end > readIndex && buffer[end - 1] == 0x0D { end -= 1 }
                let line = readIndex..<end
                readIndex = index + 1
                scanIndex = readIndex
                return line
            }
            index += 1
        }
        scanIndex = index
        if buffer.count - readIndex > limit + 1 { throw tooLong }
        return nil
    }
}

/// A request head whose field lines are still arriving.
struct PartialHead: Sendable {
    var method: String
    var target: String
    var version: HTTPVersion
    var headers = HTTPHeaders()
    var headerBytes = 0
}
