import Dispatch

/// Read interest, deadlines, draining and teardown. Runs on the connection's queue only.
extension HTTPConnection {
    /// Reads only while the connection can use the bytes: one request at a time keeps
    /// pipelined input bounded by the socket buffer instead of our memory.
    func updateReadInterest() {
        let wantsBytes = phase == .readingHead || phase == .readingBody || phase == .lingering
        if wantsBytes && readSuspended {
            readSuspended = false
            readSource.resume()
        } else if !wantsBytes && !readSuspended && phase != .closed {
            readSuspended = true
            readSource.suspend()
        }
    }

    func startTimer() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let interval = tickInterval()
        timer.schedule(deadline: .now() + .nanoseconds(Int(interval)), repeating: .nanoseconds(Int(interval)),
                       leeway: .nanoseconds(Int(interval / 4)))
        timer.setEventHandler { [self] in checkDeadlines() }
        self.timer = timer
        timer.resume()
    }

    /// A quarter of the shortest timeout, between 20 ms and 1 s.
    private func tickInterval() -> UInt64 {
        let shortest = [
            configuration.headerTimeout, configuration.idleTimeout, configuration.bodyRateWindow,
            configuration.writeTimeout, configuration.lingerTimeout,
        ].map(\.nanoseconds).min() ?? 1_000_000_000
        return min(max(shortest / 4, 20_000_000), 1_000_000_000)
    }

    private func checkDeadlines() {
        let now = ConnectionClock.now()
        if !outgoing.isEmpty, phase != .lingering,
           now &- clock.lastWriteProgress > configuration.writeTimeout.nanoseconds {
            logger.debug("write timeout: the client stopped reading")
            close()
            return
        }
        switch phase {
        case .readingHead:
            if parser.isIdle {
                if outgoing.isEmpty, now &- clock.idleSince > configuration.idleTimeout.nanoseconds { close() }
            } else {
                let started = clock.headStartedAt ?? now
                clock.headStartedAt = started
                if now &- started > configuration.headerTimeout.nanoseconds { fail(with: .headerTimeout) }
            }
        case .readingBody:
            let elapsed = now &- clock.bodyWindowStart
            let window = configuration.bodyRateWindow.nanoseconds
            guard elapsed >= window, window > 0 else { return }
            let required = Double(configuration.minimumBodyRate) * Double(elapsed) / 1e9
            if Double(clock.bodyWindowBytes) < required {
                fail(with: .bodyTooSlow)
            } else {
                clock.startBodyWindow()
            }
        case .lingering:
            if now &- clock.lingerStartedAt > configuration.lingerTimeout.nanoseconds { close() }
        case .responding, .closed:
            return
        }
    }

    /// Server shutdown: close if idle, otherwise finish the current exchange and close.
    func beginDrain() {
        drainRequested = true
        if phase == .readingHead && parser.isIdle && outgoing.isEmpty { close() }
    }

    /// Tears the connection down; the descriptor closes once every source is cancelled,
    /// so no source can fire on a reused descriptor number.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        outgoing.removeAll()
        body = BodyBuffer()
        timer?.cancel()
        readSource.cancel()
        if readSuspended {
            readSuspended = false
            readSource.resume()
        }
        if let writeSource {
            writeSource.cancel()
            if !writeArmed {
                writeArmed = true
                writeSource.resume()
            }
        }
    }

    func sourceCancelled() {
        pendingCancellations -= 1
        guard pendingCancellations == 0 else { return }
        SystemSocket.close(fd)
        onClosed(self)
    }
}

/// Timestamps behind the connection's deadlines, in monotonic nanoseconds.
struct ConnectionClock {
    var idleSince: UInt64 = 0
    var headStartedAt: UInt64?
    var bodyWindowStart: UInt64 = 0
    var bodyWindowBytes = 0
    var lastWriteProgress: UInt64 = 0
    var lingerStartedAt: UInt64 = 0
    var lingerBytes = 0

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    mutating func startBodyWindow() {
        bodyWindowStart = Self.now()
        bodyWindowBytes = 0
    }

    mutating func noteReceived(_ count: Int, phase: HTTPConnection.Phase) {
        if phase == .readingBody { bodyWindowBytes += count }
        if phase == .readingHead && headStartedAt == nil { headStartedAt = Self.now() }
    }
}
