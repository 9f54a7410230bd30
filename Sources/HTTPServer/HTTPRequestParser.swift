/// An incremental HTTP/1.1 request parser (RFC 9112), independent of sockets.
///
/// Feed bytes with `append`, then call `nextEvent()` until it returns nil (needs more
/// bytes). Each message yields `.head`, zero or more `.body` pieces and `.end`; the next
/// pipelined message follows. Every limit is enforced before the bytes it guards are
/// buffered beyond it, and a thrown error is sticky: the parser never resynchronises.
///
/// Body bytes need not pass through the parser at all: when `directBodyBytesWanted` is
/// non-zero the caller may put up to that many bytes where it wants them and report them
/// with `consumeDirectBody(_:)`; the events that follow are the same as if they had been
/// appended (the fuzz target checks this).
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
        switch try nextPiece() {
        case nil: return nil
        case .head(let head): return .head(head)
        case .body(let range): return .body(Array(buffer[range]))
        case .end(let trailers): return .end(trailers: trailers)
        }
    }

    /// An event whose body bytes are left in the parser's buffer, so the server can copy
    /// them once, straight into the request body, instead of through an array.
    enum Piece {
        case head(HTTPRequestHead)
        /// Body bytes at this range of the buffer; valid until the next `append`.
        case body(Range<Int>)
        case end(trailers: HTTPHeaders)
    }

    /// `nextEvent()` without copying body bytes; read them with `withBufferedBytes`.
    mutating func nextPiece() throws(HTTPParseError) -> Piece? {
        do {
            return try step()
        } catch {
            state = .failed(error)
            throw error
        }
    }

    /// Lends the bytes of a `.body` piece, before the next `append`.
    func withBufferedBytes<Result>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// How many body bytes the message needs next that the caller may deliver itself,
    /// without passing them through `append`: the rest of a Content-Length body or of the
    /// current chunk's data, when nothing is buffered. 0 when the next bytes must be
    /// parsed (a head, a chunk-size line, a terminator, trailers) or bytes are buffered.
    ///
    /// This is how the server reads large bodies straight from the socket into the
    /// request body: the bytes never touch the parser's buffer.
    public var directBodyBytesWanted: Int {
        guard bufferedByteCount == 0 else { return 0 }
        switch state {
        case .fixedBody(let remaining): return remaining
        case .chunked(let chunked):
            if case .data(let remaining) = chunked.phase { return remaining }
            return 0
        case .requestLine, .fields, .failed: return 0
        }
    }

    /// Records that `count` body bytes (at most `directBodyBytesWanted`) were delivered
    /// outside the parser. Exactly as if they had been appended and returned as a
    /// `.body` event: the next `nextEvent()` continues after them.
    public mutating func consumeDirectBody(_ count: Int) {
        precondition(count >= 0 && count <= directBodyBytesWanted, "more direct body bytes than the message wants")
        guard count > 0 else { return }
        switch state {
        case .fixedBody(let remaining):
            state = .fixedBody(remaining: remaining - count)
        case .chunked(var chunked):
            guard case .data(let remaining) = chunked.phase else { return }
            chunked.bodyBytes += count
            chunked.phase = count == remaining ? .dataTerminator : .data(remaining: remaining - count)
            state = .chunked(chunked)
        case .requestLine, .fields, .failed:
            return
        }
    }

    private mutating func step() throws(HTTPParseError) -> Piece? {
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
                let piece = readIndex..<readIndex + take
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
                case .body(let range): return .body(range)
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
