import Dispatch
import Logging

/// One client connection: reads requests, hands them to the responder one at a time,
/// writes responses in order.
///
/// Confinement, not locks: every mutable property is touched only on `queue` (all
/// dispatch sources run there, and responder completions and offloaded inflation hop
/// there; the parts of them that run elsewhere — `deliver`, the inflate — read only
/// constants), which is why the class can be `@unchecked Sendable`.
///
/// The I/O queue only moves bytes: request bodies are read straight into one buffer
/// (`BodyBuffer`), and inflating request bodies and compressing responses happen on the
/// responder's workers (`HTTPResponder.offload`), never here.
final class HTTPConnection: @unchecked Sendable {
    enum Phase: Equatable {
        /// Waiting for (the rest of) a request head; idle when the parser is empty.
        case readingHead
        /// Head accepted, collecting the body.
        case readingBody
        /// Request handed to the responder, or its response being written.
        case responding
        /// Error sent: write side shut, discarding input until EOF or a cap (RFC 9112 §9.6).
        case lingering
        case closed
    }

    /// What to do once every queued byte has been written.
    enum AfterFlush { case nothing, nextRequest, close, lingerClose }

    let fd: Int32
    let queue: DispatchQueue
    let remoteAddress: String
    let configuration: HTTPServer.Configuration
    let responder: any HTTPResponder
    var logger: Logger
    let onClosed: @Sendable (HTTPConnection) -> Void

    var parser: HTTPRequestParser
    var phase: Phase = .readingHead
    var currentHead: HTTPRequestHead?
    /// The body of the current request as received (still compressed if `bodyCoding` is set).
    var body = BodyBuffer()
    /// The `Content-Encoding` to inflate the body from, checked when the head arrived.
    var bodyCoding: ZlibStream.Format?
    var responseGeneration = 0
    var drainRequested = false

    let readSource: DispatchSourceRead
    var readSuspended = false
    var writeSource: DispatchSourceWrite?
    var writeArmed = false
    var outgoing: [[UInt8]] = []
    var outgoingOffset = 0
    var afterFlush: AfterFlush = .nothing
    var timer: DispatchSourceTimer?
    var pendingCancellations = 0
    /// Where heads, chunk-size lines and pipelined requests are read; body data bypasses it.
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    /// Largest single `recv` straight into a request body. Measured with a 40 MB upload over
    /// loopback: 64 KiB reads take 782 calls, 1 MiB 45, 4 MiB 21 (the socket rarely has more
    /// than 2–4 MB ready), for the same CPU time within noise; 1 MiB keeps one read — one
    /// turn of the I/O thread — near 100 µs of copying.
    static let maxBodyRead = 1 << 20

    /// Marks connection queues, so a completion can tell it is running on one
    /// (`deliver` must not compress there) and on which (its connection's own, or another's).
    static let ioQueueKey = DispatchSpecificKey<ObjectIdentifier>()

    var clock = ConnectionClock()

    init(
        fd: Int32, remoteAddress: String, configuration: HTTPServer.Configuration,
        responder: any HTTPResponder, logger: Logger, onClosed: @escaping @Sendable (HTTPConnection) -> Void
    ) {
        self.fd = fd
        self.remoteAddress = remoteAddress
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
        self.logger[metadataKey: "peer"] = "\(remoteAddress)"
        self.onClosed = onClosed
        self.queue = DispatchQueue(label: "lossd.http.connection")
        self.queue.setSpecific(key: Self.ioQueueKey, value: ObjectIdentifier(self.queue))
        self.parser = HTTPRequestParser(limits: configuration.parserLimits)
        self.readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Starts reading and the deadline timer. Call once.
    func start() {
        queue.async { [self] in
            clock.idleSince = ConnectionClock.now()
            readSource.setEventHandler { [self] in handleReadable() }
            readSource.setCancelHandler { [self] in sourceCancelled() }
            pendingCancellations += 1
            readSource.resume()
            startTimer()
        }
    }

    private func handleReadable() {
        guard phase != .closed else { return }
        if phase == .readingBody, parser.directBodyBytesWanted > 0 {
            readBodyDirectly()
            return
        }
        let result = SystemSocket.read(fd, into: readBuffer)
        guard case .bytes(let count) = result else { return handleReadEnd(result) }
        if phase == .lingering {
            clock.lingerBytes += count
            if clock.lingerBytes > configuration.lingerMaxBytes { close() }
            return
        }
        parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
        clock.noteReceived(count, phase: phase)
        pump()
    }

    /// Body data the parser need not see goes from the socket straight into the request
    /// body, in one copy, with reads as large as the socket has ready (up to `maxBodyRead`).
    ///
    /// Reads again while the socket keeps filling whole reads, up to `maxBodyReadsPerTurn`:
    /// each readiness event costs a Dispatch turn (a wake-up of the manager thread and of a
    /// worker thread), which measured with 8 MB uploads cost as much as the copying; a short
    /// read means the socket is drained, so the loop never waits and never spins.
    private func readBodyDirectly() {
        for _ in 0..<Self.maxBodyReadsPerTurn {
            let wanted = min(parser.directBodyBytesWanted, Self.maxBodyRead)
            // Never past the limit: the parser has checked the length or chunk size against it.
            body.reserveFree(wanted, limit: configuration.maxBodySize)
            let result = body.writeIntoFreeSpace { free -> (written: Int, result: SystemSocket.ReadResult) in
                let result = SystemSocket.read(fd, into: UnsafeMutableRawBufferPointer(rebasing: free[0..<wanted]))
                if case .bytes(let count) = result { return (count, result) }
                return (0, result)
            }
            guard case .bytes(let count) = result else { return handleReadEnd(result) }
            parser.consumeDirectBody(count)
            clock.noteReceived(count, phase: phase)
            if count < wanted || parser.directBodyBytesWanted == 0 { break }
        }
        pump()
    }

    /// Most `maxBodyRead` reads in one turn of the I/O queue (16 MiB), so one fast upload
    /// cannot hold the queue's thread for long.
    static let maxBodyReadsPerTurn = 16

    private func handleReadEnd(_ result: SystemSocket.ReadResult) {
        switch result {
        case .bytes:
            return
        case .endOfFile:
            if phase == .readingBody || (phase == .readingHead && !parser.isIdle) {
                logger.debug("client closed the connection mid-request")
            }
            close()
        case .wouldBlock:
            return
        case .failed(let code):
            logger.debug("read failed: \(SystemSocket.describe(code))")
            close()
        }
    }

    /// Drives the parser until it needs bytes or a request is handed on.
    func pump() {
        while phase == .readingHead || phase == .readingBody {
            let piece: HTTPRequestParser.Piece?
            do {
                piece = try parser.nextPiece()
            } catch {
                fail(with: error)
                return
            }
            guard let piece else { break }
            switch piece {
            case .head(let head):
                beginBody(of: head)
            case .body(let range):
                // Bytes that came in with the head (or a chunk-size line): the one copy they get.
                parser.withBufferedBytes(range) { body.append($0, limit: configuration.maxBodySize) }
            case .end(let trailers):
                if let coding = bodyCoding {
                    inflateThenDispatch(coding, trailers: trailers)
                } else {
                    let generation = beginResponding()
                    dispatch(body.take(), inflated: false, trailers: trailers, generation: generation)
                }
            }
        }
        if phase == .readingHead, !parser.isIdle, clock.headStartedAt == nil {
            clock.headStartedAt = ConnectionClock.now()
        }
        updateReadInterest()
    }

    private func beginBody(of head: HTTPRequestHead) {
        do throws(HTTPParseError) {
            // An empty body has nothing to inflate, whatever Content-Encoding says.
            bodyCoding = head.framing == .none
                ? nil : try ContentDecoder.coding(for: head.headers, configuration: configuration)
        } catch {
            fail(with: error)
            return
        }
        currentHead = head
        phase = .readingBody
        // One allocation for the whole body when its length is known (the parser has
        // checked it against the body limit); chunked bodies grow geometrically.
        if case .length(let length) = head.framing {
            body = BodyBuffer(capacity: length)
        } else {
            body = BodyBuffer()
        }
        clock.headStartedAt = nil
        clock.startBodyWindow()
        // Only promise to read the body once the head passed every check (RFC 9110 §10.1.1).
        if head.expectsContinue && parser.bufferedByteCount == 0 {
            enqueue(HTTPResponseSerializer.continueResponse)
            flush()
        }
    }

    /// Stops reading for the exchange now answered; returns its generation.
    private func beginResponding() -> Int {
        phase = .responding
        responseGeneration += 1
        updateReadInterest()
        return responseGeneration
    }

    /// Inflates a compressed body on a worker (`HTTPResponder.offload`), never here on the
    /// I/O queue, then comes back to hand the request on. 503 if no worker takes it.
    private func inflateThenDispatch(_ coding: ZlibStream.Format, trailers: HTTPHeaders) {
        let generation = beginResponding()
        let compressed = body.take()
        bodyCoding = nil
        let maxBodySize = configuration.maxBodySize
        let accepted = responder.offload { [self] in
            let inflated = Result { () throws(HTTPParseError) in
                try ContentDecoder.inflate(compressed, format: coding, maxBodySize: maxBodySize)
            }
            queue.async { [self] in
                // The connection may have closed (client gone, grace period over) meanwhile.
                guard phase == .responding, generation == responseGeneration else { return }
                switch inflated {
                case .success(let body): dispatch(body, inflated: true, trailers: trailers, generation: generation)
                case .failure(let error): fail(with: error)
                }
            }
        }
        if !accepted {
            var response = HTTPParseError.workersBusy.response
            response.headers.set("Retry-After", "1")
            let busy = response
            queue.async { [self] in complete(busy, generation: generation) }
        }
    }

    private func dispatch(_ requestBody: [UInt8], inflated: Bool, trailers: HTTPHeaders, generation: Int) {
        guard let head = currentHead else { return }
        var headers = head.headers
        if inflated {
            // The responder sees the representation it can read: inflated, with its real length.
            headers.remove("Content-Encoding")
            headers.set("Content-Length", String(requestBody.count))
        }
        let request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: headers,
            body: requestBody, remoteAddress: remoteAddress, trailers: trailers
        )
        responder.respond(to: request) { [self] response in
            deliver(response, to: head, generation: generation)
        }
    }

    /// Takes the responder's answer on whatever thread it completes, compresses it if the
    /// policy says so, and hands it to the connection's queue.
    ///
    /// Deflate costs time in proportion to the body, so it never runs on an I/O queue: when
    /// the responder completes from its own thread (a loss computed on a worker) the
    /// response is compressed right there, inside the worker's bound; when it completes
    /// synchronously inside `respond` (on this queue: catalog, OpenAPI document, metrics)
    /// the compression is offloaded, and skipped if no worker takes it. Small answers —
    /// health probes, errors — are under the compression threshold, so they are never
    /// compressed and never pay for a hop.
    private func deliver(_ response: HTTPResponse, to head: HTTPRequestHead, generation: Int) {
        var response = response
        guard let format = ResponseCompressor.negotiate(&response, request: head, configuration: configuration) else {
            completeOnQueue(response, generation: generation)
            return
        }
        let uncompressed = response
        let compressThenComplete: @Sendable () -> Void = { [self] in
            var response = uncompressed
            ResponseCompressor.compress(&response, format: format, level: configuration.compressionLevel)
            completeOnQueue(response, generation: generation)
        }
        if DispatchQueue.getSpecific(key: Self.ioQueueKey) != nil {
            if !responder.offload(compressThenComplete) {
                queue.async { [self] in complete(uncompressed, generation: generation) }
            }
        } else {
            compressThenComplete()
        }
    }

    /// Runs `complete` on this connection's queue, from whichever thread the answer arrived on.
    ///
    /// From a worker thread it enters the queue synchronously: the queue is idle while its
    /// request is being answered (reads are suspended), so `sync` runs the block right here on
    /// the worker — one thread hand-off fewer per request than `async`, which must wake a
    /// Dispatch thread (measured under wrk -c16 with 1K JSON requests: the hand-offs were the
    /// largest kernel cost). The send that follows is non-blocking and bounded by the socket
    /// buffer, so the worker spends at most one buffer's copy here. On a connection queue (a
    /// synchronous answer on this one, where completing now would re-enter `pump`, or another
    /// connection's, which must never wait for this one) it goes `async`, as before.
    private func completeOnQueue(_ response: HTTPResponse, generation: Int) {
        if DispatchQueue.getSpecific(key: Self.ioQueueKey) == nil {
            queue.sync { complete(response, generation: generation) }
        } else {
            queue.async { [self] in complete(response, generation: generation) }
        }
    }
}
