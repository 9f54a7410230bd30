import Foundation
import HTTPServer
import Logging
import LossCore
import LossExpressions
import Synchronization
import TensorCodecs

/// The lossd application: routes HTTP requests to the loss catalog and the worker pool.
///
/// One route table (``routes``) matches every request; its match labels metrics and logs.
/// Cheap answers (health, catalog, metadata) happen on the connection's queue; compute routes
/// run one pipeline on the ``WorkerPool`` — a wire format decodes, the registry evaluates, a
/// wire format encodes (``compute(_:request:formats:)``) — and so does the server's gzip work
/// (``offload(_:)``): responses a worker produced are compressed on that worker.
public final class LossService: HTTPResponder {
    /// Service settings.
    public struct Configuration: Sendable {
        /// Worker pool sizing.
        public var workers: WorkerPool.Configuration
        /// Limits on custom-loss expressions (EXPRESSIONS.md "Safety and errors").
        public var expressionLimits: ExpressionLimits
        /// Creates a configuration.
        public init(workers: WorkerPool.Configuration = .init(), expressionLimits: ExpressionLimits = .standard) {
            self.workers = workers
            self.expressionLimits = expressionLimits
        }
    }

    /// The served losses: the built-in catalog and the custom definitions, which change at run time.
    public let library: LossLibrary
    /// The built-in catalog.
    var registry: LossRegistry { library.registry }
    let pool: WorkerPool
    /// Limits on custom-loss expressions.
    let expressionLimits: ExpressionLimits
    let logger: Logger
    private let draining = Atomic<Bool>(false)
    /// Requests started and finished (each bumps it) and requests in flight, for ``activity``.
    let activityCount = Atomic<Int>(0)
    let inFlightCount = Atomic<Int>(0)
    /// Prometheus metrics for `GET /metrics`.
    public let metrics = ServiceMetrics()
    private let connectionCounter = Mutex<(@Sendable () -> Int)?>(nil)

    /// Reports the server's open connections for `lossd_open_connections`; set by whoever owns the server.
    public var connectionCount: (@Sendable () -> Int)? {
        get { connectionCounter.withLock { $0 } }
        set { connectionCounter.withLock { $0 = newValue } }
    }

    /// Creates the service and starts its workers.
    /// - Parameters:
    ///   - configuration: Worker pool sizing.
    ///   - registry: The built-in losses to serve.
    ///   - library: The custom losses (definitions, store, read-only); default: none yet, kept in
    ///     memory, over `registry`.
    ///   - logger: Where request logs go.
    public init(configuration: Configuration = .init(), registry: LossRegistry = .standard,
                library: LossLibrary? = nil, logger: Logger = Logger(label: "lossd")) {
        self.library = library ?? LossLibrary(registry: registry, limits: configuration.expressionLimits)
        self.pool = WorkerPool(configuration: configuration.workers)
        self.expressionLimits = configuration.expressionLimits
        self.logger = logger
    }

    /// Marks the service as draining: `/readyz` answers 503 from now on.
    public func beginDraining() { draining.store(true, ordering: .relaxed) }

    /// A count that changes whenever a request starts or finishes, and whether one is running:
    /// lets the process tell an idle service from a busy one (lossd trims its heap when idle).
    public var activity: (count: Int, inFlight: Bool) {
        (activityCount.load(ordering: .relaxed), inFlightCount.load(ordering: .relaxed) > 0)
    }

    /// Whether ``beginDraining()`` was called.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Runs the HTTP server's body work — inflating request bodies, compressing responses the
    /// service answered on the I/O queue — on the worker pool, bounded like the losses.
    public func offload(_ work: @escaping @Sendable () -> Void) -> Bool {
        pool.submit(work)
    }

    /// Answers one matched request: immediate routes here, compute routes on the worker pool.
    /// Every error, from routing, a handler or a worker, becomes a response in ``answer(_:_:)``.
    func dispatch(_ request: HTTPRequest, match: RouteMatch, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        let errors = match.errors
        let handler: Route.Handler
        do {
            handler = try match.handler(for: request.method)
        } catch {
            completion(Self.answer(errors) { throw error })
            return
        }
        switch handler {
        case .immediate(let respond):
            completion(Self.answer(errors) { () throws(ServiceError) in try respond(self, match) })
        case .compute(let formats):
            let handoff = RequestHandoff(request)
            let accepted = pool.submit { [self] in
                let started = ContinuousClock.now
                var response = Self.answer(errors) { () throws(ServiceError) in
                    try compute(try match.requireLoss(), request: handoff.take(), formats: formats)
                }
                let duration = ContinuousClock.now - started
                metrics.computed(loss: match.lossLabel ?? "", duration: duration)
                // Server-Timing lets clients (and the request log) see worker time.
                response.headers.set("Server-Timing", "compute;dur=\(Self.milliseconds(duration))")
                completion(response)
            }
            if !accepted { completion(Self.answer(errors) { throw ServiceError.overloaded }) }
        case .definitions(let respond):
            let handoff = RequestHandoff(request)
            let accepted = pool.submit { [self] in
                completion(Self.answer(errors) { () throws(ServiceError) in try respond(self, match, handoff.take()) })
            }
            if !accepted { completion(Self.answer(errors) { throw ServiceError.overloaded }) }
        }
    }

    /// The one place an error becomes a response: `body`'s answer, or its error as the route's
    /// dialect reports it (a non-``ServiceError`` is a bug: 500).
    static func answer(_ errors: ErrorDialect, _ body: () throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch {
            return ServiceError(reporting: error).inDialect(errors).response
        }
    }
}
