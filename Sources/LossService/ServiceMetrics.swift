import CoreMetrics
import Prometheus

/// The service's Prometheus metrics, recorded through swift-metrics into a private registry.
///
/// Every service instance owns its registry (no global bootstrap), so tests and embedders can
/// run several side by side. `GET /metrics` renders it in the Prometheus text format.
public final class ServiceMetrics: Sendable {
    /// The registry `GET /metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let inFlight: CoreMetrics.Meter
    private let queueDepth: CoreMetrics.Meter
    private let busyWorkers: CoreMetrics.Meter
    private let openConnections: CoreMetrics.Meter
    private let bytesIn: CoreMetrics.Counter
    private let bytesOut: CoreMetrics.Counter

    /// Creates the metrics with their fixed series.
    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Loss requests range from sub-millisecond to seconds for large tensors.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
        ]
        self.factory = factory
        inFlight = CoreMetrics.Meter(label: "lossd_requests_in_flight", dimensions: [], factory: factory)
        queueDepth = CoreMetrics.Meter(label: "lossd_worker_queue_depth", dimensions: [], factory: factory)
        busyWorkers = CoreMetrics.Meter(label: "lossd_workers_busy", dimensions: [], factory: factory)
        openConnections = CoreMetrics.Meter(label: "lossd_open_connections", dimensions: [], factory: factory)
        bytesIn = CoreMetrics.Counter(label: "lossd_request_bytes_total", dimensions: [], factory: factory)
        bytesOut = CoreMetrics.Counter(label: "lossd_response_bytes_total", dimensions: [], factory: factory)
        // Series that exist before the first request, so dashboards and alerts see zeros.
        CoreMetrics.Counter(label: "lossd_requests_rejected_total", dimensions: [("reason", "overloaded")], factory: factory).increment(by: 0)
        CoreMetrics.Counter(label: "lossd_requests_rejected_total", dimensions: [("reason", "draining")], factory: factory).increment(by: 0)
    }

    /// A request started.
    func requestStarted(bytes: Int) {
        inFlight.increment()
        bytesIn.increment(by: Int64(bytes))
    }

    /// A request finished: counts it by route, loss and status and records its duration.
    func requestFinished(route: String, loss: String, status: Int, bytes: Int, duration: Duration) {
        inFlight.decrement()
        bytesOut.increment(by: Int64(bytes))
        CoreMetrics.Counter(label: "lossd_requests_total",
                dimensions: [("route", route), ("loss", loss), ("status", String(status))], factory: factory).increment()
        CoreMetrics.Timer(label: "lossd_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            .recordNanoseconds(duration.nanosecondsClamped)
        if status == 503 {
            CoreMetrics.Counter(label: "lossd_requests_rejected_total", dimensions: [("reason", route == "/readyz" ? "draining" : "overloaded")],
                    factory: factory).increment()
        }
    }

    /// Worker time of one loss: decoding, computing and encoding.
    func computed(loss: String, duration: Duration) {
        CoreMetrics.Timer(label: "lossd_compute_duration_seconds", dimensions: [("loss", loss)], factory: factory)
            .recordNanoseconds(duration.nanosecondsClamped)
    }

    /// The Prometheus text exposition, with the point-in-time gauges refreshed first.
    func render(queueDepth depth: Int, busyWorkers busy: Int, openConnections connections: Int?) -> [UInt8] {
        queueDepth.set(depth)
        busyWorkers.set(busy)
        if let connections { openConnections.set(connections) }
        return registry.emitToBuffer()
    }
}

extension Duration {
    /// Whole nanoseconds, saturating instead of trapping on overflow.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }
}
