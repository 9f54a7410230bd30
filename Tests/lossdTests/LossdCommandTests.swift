import Foundation
import Testing

@Suite(.serialized) struct LossdCommandTests {
    @Test("--help documents every option with its environment variable and default")
    func helpListsOptions() throws {
        let process = Process()
        process.executableURL = LossdProcess.executable
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        for (flag, variable) in [("--host", "LOSSD_HOST"), ("--port", "LOSSD_PORT"), ("--workers", "LOSSD_WORKERS"),
                                 ("--max-body-size", "LOSSD_MAX_BODY_SIZE")] {
            #expect(text.contains(flag), "missing \(flag)")
            #expect(text.contains(variable), "missing \(variable)")
        }
    }

    @Test("an invalid environment value stops start-up with a message naming it")
    func invalidEnvironmentIsRejected() throws {
        let server = try LossdProcess(arguments: [], environment: ["LOSSD_PORT": "eighty"])
        let status = server.waitForExit()
        #expect(status != 0)
        #expect(server.stderr.contains("LOSSD_PORT"))
    }

    @Test("the port comes from LOSSD_PORT when no flag is given")
    func portFromEnvironment() throws {
        let server = try LossdProcess(arguments: [], environment: ["LOSSD_PORT": "0"])
        try server.waitUntilListening()
        #expect(server.port > 0)
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }

    @Test("SIGTERM during an upload lets that request complete, then exits 0")
    func sigtermDrainsInFlightRequest() throws {
        let server = try LossdProcess()
        try server.waitUntilListening()
        let body = #"{"input": [0.5, -1.0, 2.0], "target": [1, 0, 1]}"#
        let client = try RawClient(port: server.port)
        client.send("POST /v1/losses/mse HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n")
        client.send(String(body.prefix(10)))
        usleep(300_000)
        server.signal(SIGTERM)
        usleep(300_000)
        client.send(String(body.dropFirst(10)))
        let response = client.readAll()
        #expect(response.hasPrefix("HTTP/1.1 200"), "got: \(response)")
        #expect(response.contains("\"grad\""))
        #expect(server.waitForExit() == 0)
    }
}
