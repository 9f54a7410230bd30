import Foundation
import HTTPServer
import Logging
import LossCore
import Synchronization
import TensorCodecs

/// The lossd application: routes HTTP requests to the loss catalog and the worker pool.
///
/// Routing and cheap answers (health, catalog) happen on the connection's queue; decoding,
/// computing and encoding a loss run on the ``WorkerPool``, and so does the server's
/// gzip work (``offload(_:)``): responses a worker produced are compressed on that worker.
public final class LossService: HTTPResponder {
    /// Service settings.
    public struct Configuration: Sendable {
        /// Worker pool sizing.
        public var workers: WorkerPool.Configuration
        /// Creates a configuration.
        public init(workers: WorkerPool.Configuration = .init()) {
            self.workers = workers
        }
    }

    let registry: LossRegistry
    let pool: WorkerPool
    let logger: Logger
    /// `GET /v1/losses`, rendered once: the registry never changes.
    let catalog: [UInt8]
    private let draining = Atomic<Bool>(false)
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
    ///   - registry: The losses to serve.
    ///   - logger: Where request logs go.
    public init(configuration: Configuration = .init(), registry: LossRegistry = .standard,
                logger: Logger = Logger(label: "lossd")) {
        self.registry = registry
        self.pool = WorkerPool(configuration: configuration.workers)
        self.logger = logger
        self.catalog = LossCatalog.list(registry)
    }

    /// Marks the service as draining: `/readyz` answers 503 from now on.
    public func beginDraining() { draining.store(true, ordering: .relaxed) }

    /// Whether ``beginDraining()`` was called.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Runs the HTTP server's body work — inflating request bodies, compressing responses the
    /// service answered on the I/O queue — on the worker pool, bounded like the losses.
    public func offload(_ work: @escaping @Sendable () -> Void) -> Bool {
        pool.submit(work)
    }

    /// Routes one request; loss computations go to the worker pool.
    func handle(_ request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        do {
            switch try route(request) {
            case .immediate(let response):
                completion(response)
            case .compute(let loss, let job):
                let accepted = pool.submit { [metrics] in
                    let started = ContinuousClock.now
                    var response = Self.catching { try job() }
                    let duration = ContinuousClock.now - started
                    metrics.computed(loss: loss, duration: duration)
                    // Server-Timing lets clients (and the request log) see worker time.
                    response.headers.set("Server-Timing", "compute;dur=\(Self.milliseconds(duration))")
                    completion(response)
                }
                if !accepted { completion(Self.errorResponse(ServiceError.overloaded)) }
            }
        } catch {
            completion(Self.errorResponse(error))
        }
    }

    enum Routed {
        case immediate(HTTPResponse)
        /// Work for the pool, labelled with the canonical loss name for metrics.
        case compute(loss: String, @Sendable () throws -> HTTPResponse)
    }

    static func catching(_ body: () throws -> HTTPResponse) -> HTTPResponse {
        do { return try body() } catch { return errorResponse(error) }
    }

    /// The JSON error body for any error (a non-``ServiceError`` is a bug: 500).
    static func errorResponse(_ error: any Error) -> HTTPResponse {
        let serviceError: ServiceError = switch error {
        case let error as ServiceError: error
        case let error as LossError: ServiceError(error)
        default: ServiceError(.internalServerError, code: "internal_error", "internal error: \(error)")
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error"); writer.string(serviceError.message)
        writer.key("code"); writer.string(serviceError.code)
        if let field = serviceError.field { writer.key("field"); writer.string(field) }
        writer.endObject()
        var headers = serviceError.headers
        headers.set("Content-Type", "application/json")
        return HTTPResponse(status: serviceError.status, headers: headers, body: writer.bytes)
    }
}
