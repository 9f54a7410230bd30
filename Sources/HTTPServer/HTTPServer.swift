import Dispatch
import Logging
import Synchronization

/// A general HTTP/1.1 server on non-blocking BSD sockets and Dispatch.
///
/// Each connection lives on its own serial queue; requests on one connection are
/// answered strictly in order. The responder sees only complete, validated requests;
/// protocol errors are answered by the server with JSON bodies
/// `{"error": "...", "code": "..."}`.
public final class HTTPServer: Sendable {
    enum Lifecycle: Sendable { case idle, running, draining, stopped }

    struct State: @unchecked Sendable {
        var lifecycle: Lifecycle = .idle
        var listenerFD: Int32 = -1
        var localPort = 0
        var acceptSource: DispatchSourceRead?
        var acceptPaused = false
        var connections: [ObjectIdentifier: HTTPConnection] = [:]
        var shutdownCompletions: [@Sendable () -> Void] = []
    }

    /// The configuration the server was created with.
    public let configuration: Configuration
    let responder: any HTTPResponder
    let logger: Logger
    let state = Mutex(State())
    let acceptQueue = DispatchQueue(label: "lossd.http.accept")
    let stoppedGroup = DispatchGroup()

    /// Creates a server; nothing is bound until `start()`.
    public init(configuration: Configuration, responder: any HTTPResponder, logger: Logger) {
        self.configuration = configuration
        self.responder = responder
        self.logger = logger
    }

    /// Binds and listens, then accepts connections in the background.
    ///
    /// Throws `HTTPServerError` (e.g. `.addressInUse`) when the socket cannot be set up.
    public func start() throws(HTTPServerError) {
        SystemSocket.ignoreSIGPIPE()
        let alreadyStarted = state.withLock { $0.lifecycle != .idle }
        if alreadyStarted { throw .alreadyStarted }
        let (fd, port) = try SystemSocket.listen(
            host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: acceptQueue)
        source.setEventHandler { [weak self] in self?.acceptPending() }
        source.setCancelHandler { SystemSocket.close(fd) }
        let installed = state.withLock { state -> Bool in
            guard state.lifecycle == .idle else { return false }
            state.lifecycle = .running
            state.listenerFD = fd
            state.localPort = port
            state.acceptSource = source
            return true
        }
        guard installed else {
            SystemSocket.close(fd)
            throw .alreadyStarted
        }
        stoppedGroup.enter()
        source.resume()
        logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
    }

    /// The port actually bound (useful with port 0); 0 before `start()`.
    public var localPort: Int { state.withLock { $0.localPort } }

    /// True once `shutdown` has begun; a readiness probe should then report not ready.
    public var isDraining: Bool {
        state.withLock { $0.lifecycle == .draining || $0.lifecycle == .stopped }
    }

    /// The number of open connections.
    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Stops accepting, closes idle connections, lets in-flight requests (including
    /// uploads in progress) finish for up to `gracePeriod`, closes the rest, then calls
    /// `completion`. Safe to call more than once; every completion is called.
    public func shutdown(completion: @escaping @Sendable () -> Void) {
        let (wasRunning, source, connections, finishedAlready) = state.withLock { state in
            switch state.lifecycle {
            case .idle:
                state.lifecycle = .stopped
                return (false, nil as DispatchSourceRead?, [HTTPConnection](), true)
            case .stopped:
                return (false, nil, [], true)
            case .draining:
                state.shutdownCompletions.append(completion)
                return (false, nil, [], false)
            case .running:
                state.lifecycle = .draining
                state.shutdownCompletions.append(completion)
                let source = state.acceptSource
                state.acceptSource = nil
                if state.acceptPaused { source?.resume() }
                return (true, source, Array(state.connections.values), false)
            }
        }
        if finishedAlready { completion() }
        guard wasRunning else { return }
        logger.info("draining", metadata: ["connections": "\(connections.count)"])
        source?.cancel()
        for connection in connections {
            connection.queue.async { connection.beginDrain() }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(min(configuration.gracePeriod.nanoseconds, UInt64(Int.max))))) {
            [weak self] in self?.forceCloseRemaining()
        }
        finishShutdownIfDrained()
    }

    /// Blocks the calling thread until a shutdown has completed (returns at once if never started).
    public func waitUntilStopped() {
        stoppedGroup.wait()
    }

    private func forceCloseRemaining() {
        let remaining = state.withLock { $0.lifecycle == .draining ? Array($0.connections.values) : [] }
        if !remaining.isEmpty {
            logger.warning("grace period over, closing connections", metadata: ["connections": "\(remaining.count)"])
        }
        for connection in remaining {
            connection.queue.async { connection.close() }
        }
    }

    func connectionClosed(_ connection: HTTPConnection) {
        state.withLock { _ = $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
        finishShutdownIfDrained()
    }

    private func finishShutdownIfDrained() {
        let completions = state.withLock { state -> [@Sendable () -> Void]? in
            guard state.lifecycle == .draining, state.connections.isEmpty else { return nil }
            state.lifecycle = .stopped
            defer { state.shutdownCompletions = [] }
            return state.shutdownCompletions
        }
        guard let completions else { return }
        logger.info("stopped")
        for completion in completions { completion() }
        stoppedGroup.leave()
    }
}
