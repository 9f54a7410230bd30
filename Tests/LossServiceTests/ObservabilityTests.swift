import Foundation
import Testing

@Suite struct ObservabilityTests {
    /// The value of an unlabelled sample, or the sum over a metric's labelled samples matching `labels`.
    static func sample(_ text: String, _ name: String, labels: [String] = []) -> Double {
        text.split(separator: "\n").filter { line in
            !line.hasPrefix("#") && (line.hasPrefix(name + " ") || line.hasPrefix(name + "{"))
                && labels.allSatisfy { line.contains($0) }
        }.compactMap { Double($0.split(separator: " ").last ?? "") }.reduce(0, +)
    }

    @Test("X-Request-Id is echoed when sent and generated when not")
    func requestIDs() async throws {
        let live = try LiveService()
        let echoed = try await live.send("GET", "/healthz", headers: ["X-Request-Id": "trace-42"])
        #expect(echoed.headers["x-request-id"] == "trace-42")
        let generated = try await live.send("GET", "/healthz")
        let id = try #require(generated.headers["x-request-id"])
        #expect(id.count >= 16)
        let other = try await live.send("GET", "/nope")
        #expect(other.headers["x-request-id"] != nil && other.headers["x-request-id"] != id)
    }

    @Test("a computed loss reports its worker time in Server-Timing")
    func serverTiming() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0], "target": [0.0]}"#)
        #expect(reply.headers["server-timing"]?.hasPrefix("compute;dur=") == true)
    }

    @Test("metrics move with traffic: requests by route, loss and status, bytes, durations, rejections")
    func metricsMove() async throws {
        let live = try LiveService()
        let before = try await live.send("GET", "/metrics")
        #expect(before.status == 200)
        #expect(before.headers["content-type"]?.hasPrefix("text/plain") == true)
        for name in ["lossd_requests_in_flight", "lossd_worker_queue_depth", "lossd_workers_busy",
                     "lossd_request_bytes_total", "lossd_response_bytes_total", "lossd_requests_rejected_total"] {
            #expect(before.text.contains(name), "missing \(name)")
        }
        let body = #"{"input": [1.0, 2.0], "target": [0.0, 1.0]}"#
        for _ in 0..<3 { _ = try await live.send("POST", "/v1/losses/l2", body: body) }
        _ = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0]}"#)
        let after = try await live.send("GET", "/metrics").text
        #expect(Self.sample(after, "lossd_requests_total", labels: [#"loss="mse""#, #"status="200""#]) == 3)
        #expect(Self.sample(after, "lossd_requests_total", labels: [#"loss="mse""#, #"status="422""#]) == 1)
        #expect(Self.sample(after, "lossd_compute_duration_seconds_count", labels: [#"loss="mse""#]) == 4)
        #expect(Self.sample(after, "lossd_request_duration_seconds_count", labels: [#"route="/v1/losses/{name}""#]) == 4)
        #expect(Self.sample(after, "lossd_request_bytes_total") >= Double(3 * body.utf8.count))
        #expect(Self.sample(after, "lossd_response_bytes_total") > Self.sample(before.text, "lossd_response_bytes_total"))

        // Rejections for load are counted.
        live.service.beginDraining()
        _ = try await live.send("GET", "/readyz")
        let drained = try await live.send("GET", "/metrics").text
        #expect(Self.sample(drained, "lossd_requests_rejected_total", labels: [#"reason="draining""#]) == 1)
    }

    @Test("unknown loss names do not create new metric series")
    func boundedCardinality() async throws {
        let live = try LiveService()
        for index in 0..<5 { _ = try await live.send("POST", "/v1/losses/made-up-\(index)", body: "{}") }
        let text = try await live.send("GET", "/metrics").text
        #expect(!text.contains("made-up"))
        #expect(Self.sample(text, "lossd_requests_total", labels: [#"loss="unknown""#, #"status="404""#]) == 5)
    }
}
