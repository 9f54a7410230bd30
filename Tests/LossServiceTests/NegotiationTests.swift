import Foundation
import Testing
import LossCore
import TensorCodecs

/// `Accept` picks the response format of `POST /v1/losses/{name}` whatever the request format.
@Suite struct NegotiationTests {
    static let json = #"{"input": [0.5, 2.0], "target": [1.0, 0.0]}"#
    static let file = Bodies.file([("input", Bodies.float32([2], [0.5, 2])), ("target", Bodies.float32([2], [1, 0]))])

    /// POSTs the case as JSON or safetensors with the given `Accept`.
    static func post(_ live: LiveService, safetensors: Bool, accept: String?) async throws -> LiveService.Reply {
        var headers: [String: String] = [:]
        if let accept { headers["Accept"] = accept }
        if safetensors {
            headers["Content-Type"] = "application/vnd.safetensors"
            return try await live.send("POST", "/v1/losses/mse", bytes: file.encoded(), headers: headers)
        }
        return try await live.send("POST", "/v1/losses/mse", body: json, headers: headers)
    }

    /// (request is safetensors, Accept, expected response Content-Type)
    static let choices: [(Bool, String?, String)] = [
        (false, nil, "application/json"),
        (true, nil, "application/vnd.safetensors"),
        (false, "*/*", "application/json"),
        (true, "*/*", "application/vnd.safetensors"),
        (true, "application/*", "application/vnd.safetensors"),
        (false, "application/vnd.safetensors", "application/vnd.safetensors"),
        (true, "application/json", "application/json"),
        (false, "application/octet-stream", "application/octet-stream"),
        (true, "text/html, application/json;q=0.9", "application/json"),
        (false, "application/json;q=0.5, application/vnd.safetensors;q=0.9", "application/vnd.safetensors"),
        (true, "application/json;q=0.9, application/vnd.safetensors;q=0.5", "application/json"),
        (true, "application/vnd.safetensors;q=0, */*", "application/json"),
        (false, "application/json;q=0, application/*;q=0.2", "application/vnd.safetensors"),
    ]

    @Test("Accept chooses the response format, with q-values and wildcards", arguments: 0..<choices.count)
    func acceptChoosesFormat(_ index: Int) async throws {
        let (safetensors, accept, expected) = Self.choices[index]
        let live = try LiveService()
        let reply = try await Self.post(live, safetensors: safetensors, accept: accept)
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.headers["content-type"] == expected, "Accept: \(accept ?? "none")")
        if expected == "application/json" {
            #expect(reply.json["name"] as? String == "mse")
        } else {
            #expect(try reply.safetensors()["grad"]?.shape == [2])
        }
    }

    @Test("nothing acceptable is a 406 with a JSON error, for either request format",
          arguments: ["text/html", "application/xml, text/*", "application/json;q=0, application/vnd.safetensors;q=0, application/octet-stream;q=0", "*/*;q=0"])
    func notAcceptable(_ accept: String) async throws {
        let live = try LiveService()
        for safetensors in [false, true] {
            let reply = try await Self.post(live, safetensors: safetensors, accept: accept)
            #expect(reply.status == 406, "\(accept): \(reply.text)")
            #expect(reply.headers["content-type"] == "application/json")
            #expect(reply.json["code"] as? String == "not_acceptable")
            #expect((reply.json["error"] as? String)?.contains("application/vnd.safetensors") == true)
        }
    }

    @Test("errors are JSON even when only safetensors is acceptable")
    func errorsAreJSON() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0]}"#,
                                        headers: ["Accept": "application/vnd.safetensors"])
        #expect(reply.status == 422)
        #expect(reply.json["field"] as? String == "target")
    }

    @Test("an unsupported Content-Type is a 415 that lists both formats")
    func unsupportedContentType() async throws {
        let live = try LiveService()
        let reply = try await live.send("POST", "/v1/losses/mse", bytes: Self.file.encoded(),
                                        headers: ["Content-Type": "application/x-npy"])
        #expect(reply.status == 415)
        #expect(reply.headers["accept"]?.contains("application/vnd.safetensors") == true)
    }
}
