import Dispatch
import Logging

/// One client connection: reads requests, hands them to the responder one at a time,
/// writes responses in order.
///
/// Confinement, not locks: every mutable property is touched only on `queue` (all
/// dispatch sources and responder completions run there), which is why the class can
/// be `@unchecked Sendable`.
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
    var body: [UInt8] = []
    var bodyDecoder: ContentDecoder?
    var bodyWasDecoded = false
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
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

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
        switch SystemSocket.read(fd, into: readBuffer) {
        case .bytes(let count):
            if phase == .lingering {
                clock.lingerBytes += count
                if clock.lingerBytes > configuration.lingerMaxBytes { close() }
                return
            }
            parser.append(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count]))
            clock.noteReceived(count, phase: phase)
            pump()
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

    /// Drives the parser until it needs bytes or a request is handed to the responder.
    func pump() {
        while phase == .readingHead || phase == .readingBody {
            let event: HTTPRequestParser.Event?
            do {
                event = try parser.nextEvent()
            } catch {
                fail(with: error)
                return
            }
            guard let event else { break }
            switch event {
            case .head(let head):
                beginBody(of: head)
            case .body(let bytes):
                do throws(HTTPParseError) {
                    try appendBody(bytes)
                } catch {
                    fail(with: error)
                    return
                }
            case .end(let trailers):
                do throws(HTTPParseError) {
                    try finishBody()
                } catch {
                    fail(with: error)
                    return
                }
                dispatch(trailers: trailers)
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
            bodyDecoder = head.framing == .none
                ? nil : try ContentDecoder.forRequest(head.headers, configuration: configuration)
        } catch {
            fail(with: error)
            return
        }
        bodyWasDecoded = bodyDecoder != nil
        currentHead = head
        phase = .readingBody
        body = []
        if case .length(let length) = head.framing, bodyDecoder == nil {
            body.reserveCapacity(min(length, 16 * 1024 * 1024))
        }
        clock.headStartedAt = nil
        clock.startBodyWindow()
        // Only promise to read the body once the head passed every check (RFC 9110 §10.1.1).
        if head.expectsContinue && parser.bufferedByteCount == 0 {
            enqueue(HTTPResponseSerializer.continueResponse)
            flush()
        }
    }

    private func appendBody(_ bytes: [UInt8]) throws(HTTPParseError) {
        if bodyDecoder != nil {
            try bodyDecoder?.decode(bytes, into: &body)
        } else {
            body.append(contentsOf: bytes)
        }
    }

    private func finishBody() throws(HTTPParseError) {
        try bodyDecoder?.finish(into: &body)
        bodyDecoder = nil
    }

    private func dispatch(trailers: HTTPHeaders) {
        guard let head = currentHead else { return }
        phase = .responding
        responseGeneration += 1
        let generation = responseGeneration
        var headers = head.headers
        if bodyWasDecoded {
            // The responder sees the representation it can read: inflated, with its real length.
            headers.remove("Content-Encoding")
            headers.set("Content-Length", String(body.count))
        }
        var request = HTTPRequest(
            method: head.method, target: head.target, version: head.version, headers: headers,
            body: [], remoteAddress: remoteAddress, trailers: trailers
        )
        swap(&request.body, &body)
        updateReadInterest()
        responder.respond(to: request) { [self] response in
            queue.async { [self] in complete(response, generation: generation) }
        }
    }
}
