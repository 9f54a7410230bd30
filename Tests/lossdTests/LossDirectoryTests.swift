import Foundation
import Testing

/// `--loss-dir` end to end: definitions load at start, a bad file stops start-up naming
/// file:line:column, and a definition made by PUT survives a restart.
@Suite(.serialized) struct LossDirectoryTests {
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "lossd-dir-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// One request on a fresh connection; the whole response text.
    static func request(_ port: Int, _ method: String, _ path: String, body: String = "") throws -> String {
        let client = try RawClient(port: port)
        client.send("\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        return client.readAll()
    }

    @Test("a bad definition file stops start-up with exit 1 and path:line:column on stderr, before the port opens")
    func badFileStopsStartUp() throws {
        let path = try Self.directory()
        try Data("{\n  \"expression\": \"mean(input) * smoth\"\n}\n".utf8).write(to: URL(fileURLWithPath: path + "/typo.json"))
        let server = try LossdProcess(arguments: ["--port", "0", "--loss-dir", path])
        #expect(server.waitForExit() == 1)
        #expect(server.stderr.contains("lossd: \(path)/typo.json:2:32: unknown name 'smoth'"), "\(server.stderr)")
        #expect(!server.stderr.contains("listening"))
    }

    @Test("files in LOSSD_LOSS_DIR are served at start; a PUT one is written there and served again after a restart")
    func putSurvivesRestart() throws {
        let path = try Self.directory()
        try Data(#"{"expression": "mean((input - target)^2)"}"#.utf8).write(to: URL(fileURLWithPath: path + "/from_file.json"))
        let first = try LossdProcess(arguments: ["--port", "0"], environment: ["LOSSD_LOSS_DIR": path])
        try first.waitUntilListening()
        let tensors = #"{"input": [1.0, 2.0], "target": [0.0, 0.0]}"#
        #expect(try Self.request(first.port, "POST", "/v1/losses/from_file", body: tensors).contains(#""loss":2.5"#))
        let put = try Self.request(first.port, "PUT", "/v1/losses/made_by_put", body: #"{"expression": "sum(abs(input - target))"}"#)
        #expect(put.hasPrefix("HTTP/1.1 201"), "\(put)")
        #expect(FileManager.default.fileExists(atPath: path + "/made_by_put.json"))
        first.signal(SIGTERM)
        #expect(first.waitForExit() == 0)

        let second = try LossdProcess(arguments: ["--port", "0", "--loss-dir", path, "--read-only-losses"])
        try second.waitUntilListening()
        #expect(try Self.request(second.port, "POST", "/v1/losses/made_by_put", body: tensors).contains(#""loss":3"#))
        #expect(try Self.request(second.port, "DELETE", "/v1/losses/made_by_put").hasPrefix("HTTP/1.1 403"))
        second.signal(SIGTERM)
        #expect(second.waitForExit() == 0)
    }
}
