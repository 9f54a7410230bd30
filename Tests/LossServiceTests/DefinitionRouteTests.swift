import Foundation
import LossCore
import LossExpressions
import Testing
@testable import LossService

/// Named custom losses over a real socket: PUT, GET, POST, DELETE, the catalog, KServe metadata
/// and infer, and the model-repository extension.
@Suite struct DefinitionRouteTests {
    static let dice = #"{"expression": "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)", "summary": "Dice on logits", "parameters": {"smooth": {"default": 1.0, "minimum": 0}}}"#
    static let tensors = #"{"input": [[0.1, -2.0], [0.5, 1.0]], "target": [[0, 1], [1, 1]]}"#

    @Test("PUT creates (201, Location) then replaces (200); the loss computes like the built-in, is listed and described; DELETE is 204, then 404")
    func lifecycle() async throws {
        let live = try LiveService()
        let created = try await live.send("PUT", "/v1/losses/my_dice", body: Self.dice)
        #expect(created.status == 201, "\(created.text)")
        #expect(created.headers["location"] == "/v1/losses/my_dice")
        #expect(created.json["name"] as? String == "my_dice")
        let custom = try await live.send("POST", "/v1/losses/my_dice", body: Self.tensors)
        let builtin = try await live.send("POST", "/v1/losses/dice", body: Self.tensors)
        #expect(custom.json["name"] as? String == "my_dice")
        let (a, b) = (try #require(custom.json["loss"] as? Double), try #require(builtin.json["loss"] as? Double))
        #expect(abs(a - b) < 2e-5)
        let described = try await live.send("GET", "/v1/losses/my_dice")
        let parameters = try #require(described.json["parameters"] as? [[String: Any]])
        #expect(parameters.map { $0["name"] as? String } == ["reduction", "smooth"])
        #expect(described.json["summary"] as? String == "Dice on logits")
        let list = try await live.send("GET", "/v1/losses")
        let names = (list.json["losses"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names.last == "my_dice")
        #expect(names.count == LossRegistry.standard.losses.count + 1)
        let replaced = try await live.send("PUT", "/v1/losses/my_dice", body: #"{"expression": "mean((input - target)^2)"}"#)
        #expect(replaced.status == 200)
        let mse = try await live.send("POST", "/v1/losses/my_dice", body: Self.tensors)
        let builtinMSE = try await live.send("POST", "/v1/losses/mse", body: Self.tensors)
        #expect(mse.json["loss"] as? Double == builtinMSE.json["loss"] as? Double)
        let metrics = try await live.send("GET", "/metrics")
        #expect(metrics.text.contains(#"loss="my_dice""#))
        let deleted = try await live.send("DELETE", "/v1/losses/my_dice")
        #expect(deleted.status == 204 && deleted.body.isEmpty)
        let gone = try await live.send("POST", "/v1/losses/my_dice", body: Self.tensors)
        #expect(gone.status == 404 && gone.json["code"] as? String == "unknown_loss")
        #expect(try await live.send("DELETE", "/v1/losses/my_dice").status == 404)
    }

    @Test("built-in names and aliases are 409; malformed definitions 422 with line and column; the server keeps serving")
    func refusals() async throws {
        let live = try LiveService()
        for name in ["dice", "l2", "gaussian_nll_loss"] {
            let put = try await live.send("PUT", "/v1/losses/\(name)", body: #"{"expression": "mean(input)"}"#)
            #expect(put.status == 409 && put.json["code"] as? String == "builtin_loss", "\(name)")
            #expect(try await live.send("DELETE", "/v1/losses/\(name)").status == 409)
        }
        let cases: [(String, String, String)] = [
            ("{\n \"expression\": \"mean(input) * smoth\"}", "definition:2:31: unknown name 'smoth'", "expression"),
            ("{\"expression\": \"mean(input\"}", "definition:1:27: expected ')'", "expression"),
            ("{\"expression\": 1,}", "definition:1:18: expected a member name", ""),
        ]
        for (body, prefix, field) in cases {
            let reply = try await live.send("PUT", "/v1/losses/broken", body: body)
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.json["code"] as? String == "invalid_definition")
            #expect((reply.json["error"] as? String)?.hasPrefix(prefix) == true, "\(reply.text)")
            #expect((reply.json["field"] as? String ?? "") == field)
        }
        let binary = try await live.send("PUT", "/v1/losses/broken", body: String(decoding: (0..<255).map { UInt8($0) }, as: UTF8.self))
        #expect(binary.status == 422)
        #expect(try await live.send("PUT", "/v1/losses/a%2Fb", body: #"{"expression": "mean(input)"}"#).json["code"] as? String == "invalid_name")
        #expect(try await live.send("PUT", "/v1/losses/x", body: "{}", headers: ["Content-Type": "text/plain"]).status == 415)
        #expect(try await live.send("GET", "/v1/losses/broken").status == 404)
        #expect(try await live.send("POST", "/v1/losses/dice", body: Self.tensors).status == 200)
    }

    @Test("a named loss validates its own parameters: unknown ones (an 'expression' too) and out-of-range ones are 422")
    func parameters() async throws {
        let live = try LiveService()
        _ = try await live.send("PUT", "/v1/losses/my_dice", body: Self.dice)
        let cases = [
            (#"{"input": [0.1], "target": [1], "params": {"smoth": 1}}"#, "unknown_parameter"),
            (#"{"input": [0.1], "target": [1], "expression": "mean(input)"}"#, "unknown_parameter"),
            (#"{"input": [0.1], "target": [1], "params": {"smooth": -1}}"#, "invalid_parameter"),
            (#"{"input": [0.1, 0.2], "target": [1, 0, 1]}"#, "invalid_expression"),
        ]
        for (body, code) in cases {
            let reply = try await live.send("POST", "/v1/losses/my_dice", body: body)
            #expect(reply.status == 422 && reply.json["code"] as? String == code, "\(reply.text)")
        }
        _ = try await live.send("PUT", "/v1/losses/scaled", body: #"{"expression": "mean(input) * k", "parameters": {"k": {}}}"#)
        let missing = try await live.send("POST", "/v1/losses/scaled", body: #"{"input": [2.0], "target": [0]}"#)
        #expect(missing.status == 422 && missing.json["code"] as? String == "missing_parameter" && missing.json["field"] as? String == "k")
        let given = try await live.send("POST", "/v1/losses/scaled", body: #"{"input": [2.0], "target": [0], "params": {"k": 3}}"#)
        #expect(given.json["loss"] as? Double == 6)
    }

    @Test("KServe: metadata, ready and infer for a named loss; the repository index lists it; load with parameters.config and unload")
    func kserve() async throws {
        let live = try LiveService()
        let config = try String(decoding: JSONSerialization.data(withJSONObject: ["parameters": ["config": Self.dice]]), as: UTF8.self)
        let load = try await live.send("POST", "/v2/repository/models/k_dice/load", body: config)
        #expect(load.status == 200, "\(load.text)")
        #expect(try await live.send("GET", "/v2/models/k_dice/ready").status == 200)
        let metadata = try await live.send("GET", "/v2/models/k_dice")
        #expect(metadata.json["name"] as? String == "k_dice")
        let infer = try await live.send("POST", "/v2/models/k_dice/infer", body: """
            {"inputs": [{"name": "input", "shape": [2], "datatype": "FP32", "data": [0.1, -2.0]},
                        {"name": "target", "shape": [2], "datatype": "FP32", "data": [0, 1]}], "parameters": {"smooth": 2}}
            """)
        #expect(infer.status == 200 && infer.json["model_name"] as? String == "k_dice", "\(infer.text)")
        let index = try await live.send("POST", "/v2/repository/index", body: "{}")
        let entries = try #require(try JSONSerialization.jsonObject(with: index.body) as? [[String: Any]])
        #expect(entries.contains { $0["name"] as? String == "k_dice" && $0["state"] as? String == "READY" })
        #expect(entries.contains { $0["name"] as? String == "dice" })
        // Triton's dialect: an unusable definition is 400, a built-in 409.
        let bad = try await live.send("POST", "/v2/repository/models/k_bad/load", body: #"{"parameters": {"config": "{\"expression\": \"mean(\"}"}}"#)
        #expect(bad.status == 400 && bad.json["code"] as? String == "invalid_definition")
        #expect(try await live.send("POST", "/v2/repository/models/dice/load", body: config).status == 409)
        #expect(try await live.send("POST", "/v2/repository/models/dice/load").status == 200)
        #expect(try await live.send("POST", "/v2/repository/models/nothing/load").status == 404)
        #expect(try await live.send("POST", "/v2/repository/models/k_dice/load", body: #"{"parameters": {"config": 3}}"#).status == 400)
        #expect(try await live.send("POST", "/v2/repository/models/k_dice/load", body: #"{"parameters": {"file:1/model.py": "eA=="}}"#).status == 400)
        #expect(try await live.send("POST", "/v2/repository/models/k_dice/load", body: "[").status == 400)
        let unload = try await live.send("POST", "/v2/repository/models/k_dice/unload", body: #"{"parameters": {"unload_dependents": false}}"#)
        #expect(unload.status == 200)
        #expect(try await live.send("GET", "/v2/models/k_dice/ready").status == 404)
        #expect(try await live.send("POST", "/v2/repository/models/dice/unload").status == 409)
    }

    @Test("--read-only-losses: PUT, DELETE, load and unload are 403; index, GET and compute still work")
    func readOnly() async throws {
        let definition = try LossDefinition(parsing: Array(Self.dice.utf8), name: "fixed")
        let live = try LiveService(library: LossLibrary(definitions: [definition], readOnly: true))
        #expect(try await live.send("PUT", "/v1/losses/new_one", body: Self.dice).status == 403)
        #expect(try await live.send("DELETE", "/v1/losses/fixed").json["code"] as? String == "read_only_losses")
        #expect(try await live.send("POST", "/v2/repository/models/new_one/load", body: #"{"parameters": {"config": "{}"}}"#).status == 403)
        #expect(try await live.send("POST", "/v2/repository/models/fixed/unload").status == 403)
        #expect(try await live.send("POST", "/v2/repository/index").status == 200)
        #expect(try await live.send("POST", "/v1/losses/fixed", body: Self.tensors).status == 200)
    }

    @Test("definitions changing under concurrent compute requests never break a request")
    func concurrentChanges() async throws {
        let live = try LiveService(workers: .init(workers: 2, queueDepth: 64))
        _ = try await live.send("PUT", "/v1/losses/flip", body: #"{"expression": "mean(input)"}"#)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<24 {
                group.addTask {
                    if index % 3 == 0 {
                        let body = index % 2 == 0 ? #"{"expression": "sum(input)"}"# : #"{"expression": "mean(input)"}"#
                        return try await live.send("PUT", "/v1/losses/flip", body: body).status
                    }
                    return try await live.send("POST", "/v1/losses/flip", body: Self.tensors).status
                }
            }
            for try await status in group { #expect(status == 200 || status == 201) }
        }
    }
}
