import Foundation
import Testing

/// The route table over a real socket: methods lossd implements nowhere, and the labels metrics
/// take from the match.
@Suite struct RoutingLiveTests {
    @Test("a QUERY request to a known route is a 405 with Allow; to an unknown route a 404")
    func queryIs405() async throws {
        let live = try LiveService()
        let reply = try await live.send("QUERY", "/v1/losses/dice", body: #"{"input": [1.0], "target": [1.0]}"#)
        #expect(reply.status == 405, "\(reply.text)")
        #expect(reply.headers["allow"] == "GET, HEAD, POST, PUT, DELETE")
        #expect(reply.json["code"] as? String == "method_not_allowed")
        let kserve = try await live.send("QUERY", "/v2/models/dice/infer")
        #expect(kserve.status == 405)
        #expect(kserve.headers["allow"] == "POST")
        #expect(try await live.send("QUERY", "/nope").status == 404)
    }

    @Test("metrics label requests with the matched route template, 'other' when none matched")
    func metricsUseTheTemplate() async throws {
        let live = try LiveService()
        let body = #"{"inputs": [{"name": "input", "datatype": "FP32", "shape": [2], "data": [0.5, 1]}, {"name": "target", "datatype": "FP32", "shape": [2], "data": [0, 1]}]}"#
        #expect(try await live.send("POST", "/v2/models/l2/versions/1/infer", body: body).status == 200)
        #expect(try await live.send("GET", "/v2/models/dice/ready").status == 200)
        #expect(try await live.send("QUERY", "/v1/losses/dice").status == 405)
        #expect(try await live.send("GET", "/v2/models/dice/stats").status == 404)
        #expect(try await live.send("GET", "/v1//losses/").status == 200)
        _ = try await live.send("GET", "/metrics")
        let text = try await live.send("GET", "/metrics").text
        func count(_ labels: [String]) -> Double { ObservabilityTests.sample(text, "lossd_requests_total", labels: labels) }
        #expect(count([#"route="/v2/models/{name}/versions/{version}/infer""#, #"loss="mse""#, #"status="200""#]) == 1)
        #expect(count([#"route="/v2/models/{name}/ready""#, #"loss="dice""#]) == 1)
        #expect(count([#"route="/v1/losses/{name}""#, #"loss="dice""#, #"status="405""#]) == 1)
        #expect(count([#"route="other""#, #"status="404""#]) == 1)
        #expect(count([#"route="/v1/losses""#, #"status="200""#]) == 1)
        // /metrics is a route like the others: the first scrape was counted before the second rendered.
        #expect(count([#"route="/metrics""#, #"status="200""#]) == 1)
        #expect(ObservabilityTests.sample(text, "lossd_compute_duration_seconds_count", labels: [#"loss="mse""#]) == 1)
    }
}
