import Dispatch
import Logging

/// The accept loop, run on `acceptQueue`.
extension HTTPServer {
    /// Accepts what is pending, in bounded batches so one busy listener cannot starve others.
    func acceptPending() {
        guard let listener = state.withLock({ $0.lifecycle == .running ? $0.listenerFD : nil }) else { return }
        for _ in 0..<64 {
            switch SystemSocket.accept(listener) {
            case .accepted(let fd, let address):
                admit(fd: fd, address: address)
            case .wouldBlock:
                return
            case .retry:
                continue
            case .exhausted(let code):
                // The listener stays readable while we cannot accept: pause instead of spinning.
                logger.warning("cannot accept: \(SystemSocket.describe(code)); pausing accepts for 100 ms")
                pauseAccepting()
                return
            case .failed(let code):
                logger.error("accept failed: \(SystemSocket.describe(code)); pausing accepts for 100 ms")
                pauseAccepting()
                return
            }
        }
    }

    private func pauseAccepting() {
        let paused = state.withLock { state -> Bool in
            guard state.lifecycle == .running, !state.acceptPaused, let source = state.acceptSource else { return false }
            state.acceptPaused = true
            source.suspend()
            return true
        }
        guard paused else { return }
        acceptQueue.asyncAfter(deadline: .now() + .milliseconds(100)) { [weak self] in
            guard let self else { return }
            let resumed = state.withLock { state -> Bool in
                guard state.acceptPaused, let source = state.acceptSource else { return false }
                state.acceptPaused = false
                source.resume()
                return true
            }
            // Connections that queued up while paused raised no new readiness edge: a resumed
            // source need not fire for them, so drain the backlog now.
            if resumed { acceptPending() }
        }
    }

    private func admit(fd: Int32, address: String) {
        let hasRoom = state.withLock { $0.lifecycle == .running && $0.connections.count < configuration.maxConnections }
        guard hasRoom else {
            refuse(fd: fd)
            return
        }
        let connection = HTTPConnection(
            fd: fd, remoteAddress: address, configuration: configuration, responder: responder, logger: logger,
            onClosed: { [weak self] connection in self?.connectionClosed(connection) }
        )
        // Start inside the lock: a drain that snapshots connections afterwards then
        // queues its request behind the connection's start, never before it
        // (libdispatch traps on releasing a source that was never activated).
        let admitted = state.withLock { state -> Bool in
            connection.start()
            guard state.lifecycle == .running else { return false }
            state.connections[ObjectIdentifier(connection)] = connection
            return true
        }
        if !admitted {
            connection.queue.async { connection.close() }
        }
    }

    /// Best-effort 503 to a client over the connection cap (or arriving during shutdown).
    private func refuse(fd: Int32) {
        let error = HTTPParseError.serverBusy
        var response = error.response
        response.headers.set("Retry-After", "1")
        let wire = HTTPResponseSerializer.serialize(
            response, method: nil, version: .http1_1, keepAlive: false, serverName: configuration.serverName)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 1)
        defer { scratch.deallocate() }
        _ = SystemSocket.read(fd, into: scratch)
        (wire.head + wire.body).withUnsafeBytes { _ = SystemSocket.send(fd, $0) }
        SystemSocket.shutdownWrite(fd)
        SystemSocket.close(fd)
    }
}
