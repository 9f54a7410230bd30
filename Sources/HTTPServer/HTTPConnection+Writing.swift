import Dispatch

/// Response ordering and non-blocking writes. Runs on the connection's queue only.
extension HTTPConnection {
    /// Accepts the responder's answer for request `generation`; late or repeated calls are ignored.
    func complete(_ response: HTTPResponse, generation: Int) {
        guard phase == .responding, generation == responseGeneration, afterFlush == .nothing,
              let head = currentHead
        else { return }
        let keepAlive = head.keepAlive && !drainRequested
        // Already compressed, if at all, off this queue (`deliver`).
        let wire = HTTPResponseSerializer.serialize(
            response, method: head.method, version: head.version, keepAlive: keepAlive,
            serverName: configuration.serverName
        )
        logger.debug("\(head.method) \(head.target) → \(response.status.code)")
        enqueue(wire.head)
        enqueue(wire.body)
        afterFlush = keepAlive ? .nextRequest : .close
        clock.lastWriteProgress = ConnectionClock.now()
        flush()
    }

    /// Answers a protocol error with its JSON body, then closes after a lingering drain.
    func fail(with error: HTTPParseError) {
        guard phase != .closed, phase != .lingering else { return }
        logger.debug("rejecting request: \(error.status.code) \(error.code)")
        let wire = HTTPResponseSerializer.serialize(
            error.response, method: currentHead?.method, version: currentHead?.version ?? .http1_1,
            keepAlive: false, serverName: configuration.serverName
        )
        outgoing.removeAll()
        outgoingOffset = 0
        enqueue(wire.head)
        enqueue(wire.body)
        phase = .lingering
        body = BodyBuffer()
        bodyCoding = nil
        afterFlush = .lingerClose
        clock.lingerStartedAt = ConnectionClock.now()
        clock.lastWriteProgress = clock.lingerStartedAt
        updateReadInterest()
        flush()
    }

    func enqueue(_ bytes: [UInt8]) {
        if !bytes.isEmpty { outgoing.append(bytes) }
    }

    /// Writes as much as the socket takes; arms the write source on EAGAIN.
    ///
    /// Queued buffers go out together in one gather write (`sendmsg`), so a response head and
    /// its body cost one system call and the client sees the head with the first body bytes.
    func flush() {
        guard phase != .closed else { return }
        while !outgoing.isEmpty {
            let result = withGatheredOutgoing { SystemSocket.send(fd, gathering: $0) }
            switch result {
            case .wrote(let count):
                consumeOutgoing(count)
                clock.lastWriteProgress = ConnectionClock.now()
            case .wouldBlock:
                armWriteSource()
                return
            case .failed(let code):
                logger.debug("write failed: \(SystemSocket.describe(code))")
                close()
                return
            }
        }
        disarmWriteSource()
        runAfterFlush()
    }

    /// Most buffers handed to one gather write (a head and a body, or an interim response too).
    static let maxGather = 4

    /// Lends the unsent bytes of the first ``maxGather`` queued buffers to `body`.
    private func withGatheredOutgoing<R>(_ body: ([UnsafeRawBufferPointer]) -> R) -> R {
        var collected: [UnsafeRawBufferPointer] = []
        collected.reserveCapacity(Self.maxGather)
        func gather(_ index: Int) -> R {
            guard index < min(outgoing.count, Self.maxGather) else { return body(collected) }
            return outgoing[index].withUnsafeBytes { raw in
                collected.append(UnsafeRawBufferPointer(rebasing: raw[(index == 0 ? outgoingOffset : 0)...]))
                return gather(index + 1)
            }
        }
        return gather(0)
    }

    /// Drops `count` sent bytes from the front of the queue.
    private func consumeOutgoing(_ count: Int) {
        var remaining = count
        while remaining > 0, let first = outgoing.first {
            let left = first.count - outgoingOffset
            if remaining >= left {
                remaining -= left
                outgoing.removeFirst()
                outgoingOffset = 0
            } else {
                outgoingOffset += remaining
                remaining = 0
            }
        }
    }

    private func runAfterFlush() {
        let next = afterFlush
        afterFlush = .nothing
        switch next {
        case .nothing:
            return
        case .close:
            close()
        case .lingerClose:
            // FIN tells the client the response is complete; keep reading so its
            // remaining upload does not turn our close into a reset that eats the response.
            SystemSocket.shutdownWrite(fd)
        case .nextRequest:
            phase = .readingHead
            currentHead = nil
            clock.idleSince = ConnectionClock.now()
            if drainRequested && parser.isIdle {
                close()
                return
            }
            pump()
        }
    }

    private func armWriteSource() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fd, queue: queue)
            source.setEventHandler { [self] in flush() }
            source.setCancelHandler { [self] in sourceCancelled() }
            pendingCancellations += 1
            writeSource = source
            writeArmed = true
            source.resume()
        } else if !writeArmed {
            writeArmed = true
            writeSource?.resume()
        }
    }

    private func disarmWriteSource() {
        if writeArmed, let writeSource {
            writeArmed = false
            writeSource.suspend()
        }
    }
}
