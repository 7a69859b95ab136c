import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The service's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (so several servers in one process, as in tests, never mix their figures).
///
/// Names: `earshot_http_requests_total{route,method,status}`,
/// `earshot_http_request_duration_seconds{route}`, `earshot_inference_seconds{model,version}`,
/// `earshot_inference_queue_depth`, `earshot_inference_batch_size`,
/// `earshot_inference_rejected_total`, `earshot_verifier_decisions_total{model,version,decision}`,
/// `earshot_idempotent_replays_total`, `earshot_conflicts_total`, `earshot_http_requests_in_flight`.
public final class CloudMetrics: InferencePoolObserver, Sendable {
    /// The registry `/metrics` prints.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let queueDepth: CoreMetrics.Gauge
    private let batchSize: Recorder
    private let rejections: CoreMetrics.Counter
    private let replays: CoreMetrics.Counter
    private let conflicts: CoreMetrics.Counter
    private let inFlight: CoreMetrics.Meter
    private let requestHandles = Mutex<[String: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    private let modelHandles = Mutex<[String: CoreMetrics.Timer]>([:])

    /// Creates the metrics and their registry.
    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencyBuckets: [Duration] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5),
        ]
        factory.defaultDurationHistogramBuckets = latencyBuckets
        factory.valueHistogramBuckets["earshot_inference_batch_size"] = [1, 2, 4, 8, 16, 32]
        self.factory = factory
        queueDepth = CoreMetrics.Gauge(label: "earshot_inference_queue_depth", dimensions: [], factory: factory)
        batchSize = Recorder(label: "earshot_inference_batch_size", dimensions: [], aggregate: true, factory: factory)
        rejections = CoreMetrics.Counter(label: "earshot_inference_rejected_total", dimensions: [], factory: factory)
        replays = CoreMetrics.Counter(label: "earshot_idempotent_replays_total", dimensions: [], factory: factory)
        conflicts = CoreMetrics.Counter(label: "earshot_conflicts_total", dimensions: [], factory: factory)
        inFlight = CoreMetrics.Meter(label: "earshot_http_requests_in_flight", dimensions: [], factory: factory)
        queueDepth.record(0)
    }

    /// A request started (`earshot_http_requests_in_flight` goes up until ``request(route:method:status:seconds:)``).
    public func requestStarted() { inFlight.increment() }

    /// Counts one answered request and its duration.
    public func request(route: String, method: String, status: Int, seconds: Double) {
        inFlight.decrement()
        let id = "\(route) \(method) \(status)"
        let (counter, timer) = requestHandles.withLock { handles in
            if let cached = handles[id] { return cached }
            let made = (
                CoreMetrics.Counter(
                    label: "earshot_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))],
                    factory: factory),
                CoreMetrics.Timer(label: "earshot_http_request_duration_seconds", dimensions: [("route", route)], factory: factory)
            )
            handles[id] = made
            return made
        }
        counter.increment()
        timer.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// Records one model run.
    public func inference(model: String, version: String, seconds: Double) {
        let timer = modelHandles.withLock { handles in
            if let cached = handles[model + "@" + version] { return cached }
            let made = CoreMetrics.Timer(
                label: "earshot_inference_seconds", dimensions: [("model", model), ("version", version)], factory: factory)
            handles[model + "@" + version] = made
            return made
        }
        timer.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// Counts a verifier decision.
    public func verifierDecision(model: String, version: String, accepted: Bool) {
        CoreMetrics.Counter(
            label: "earshot_verifier_decisions_total",
            dimensions: [("model", model), ("version", version), ("decision", accepted ? "accept" : "reject")], factory: factory
        ).increment()
    }

    /// Counts an upload answered from the store without computing.
    public func idempotentReplay() { replays.increment() }

    /// Counts an upload refused with 409.
    public func conflict() { conflicts.increment() }

    public func queueDepthChanged(_ depth: Int) { queueDepth.record(depth) }
    public func batchTaken(size: Int) { batchSize.record(size) }
    public func rejected() { rejections.increment() }

    /// The Prometheus text exposition of every metric.
    public func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8192)
        registry.emit(into: &buffer)
        return buffer
    }
}
