import Foundation
import Testing
import LossCore

@Suite struct CatalogRouteTests {
    @Test("GET /v1/losses lists every registered loss with aliases and parameter schemas")
    func catalogListsEveryLoss() async throws {
        let live = try LiveService()
        let reply = try await live.send("GET", "/v1/losses")
        #expect(reply.status == 200)
        let losses = try #require(reply.json["losses"] as? [[String: Any]])
        let names = Set(losses.compactMap { $0["name"] as? String })
        #expect(names == Set(LossRegistry.standard.descriptors.map(\.name)))
        for loss in losses {
            let parameters = try #require(loss["parameters"] as? [[String: Any]])
            let reduction = parameters.first { $0["name"] as? String == "reduction" }
            #expect(reduction?["default"] as? String == "mean", "\(loss["name"] ?? "?")")
            #expect(loss["formula"] as? String != nil)
            #expect(loss["inputs"] as? [[String: Any]] != nil)
        }
    }

    @Test("GET /v1/losses/{alias} describes the canonical loss")
    func describeByAlias() async throws {
        let live = try LiveService()
        let reply = try await live.send("GET", "/v1/losses/mse_loss")
        #expect(reply.status == 200)
        #expect(reply.json["name"] as? String == "mse")
        #expect((reply.json["aliases"] as? [String])?.contains("l2") == true)
    }

    @Test("health and readiness answer; readiness turns 503 while draining")
    func healthAndReadiness() async throws {
        let live = try LiveService()
        #expect(try await live.send("GET", "/healthz").status == 200)
        #expect(try await live.send("GET", "/readyz").status == 200)
        live.service.beginDraining()
        let draining = try await live.send("GET", "/readyz")
        #expect(draining.status == 503)
        #expect(draining.headers["retry-after"] != nil)
    }

    @Test("an unknown route is a JSON 404")
    func unknownRoute() async throws {
        let live = try LiveService()
        let reply = try await live.send("GET", "/nope")
        #expect(reply.status == 404)
        #expect(reply.json["error"] != nil)
    }
}
