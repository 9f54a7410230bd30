import Foundation
import Testing

/// `--compress-types` / `LOSSD_COMPRESS_TYPES` and friends, through the real binary.
@Suite(.serialized) struct CompressionSettingsTests {
    /// A dice request as safetensors: 1024 float32 logits and uint8 targets (a 4 KB gradient).
    static let safetensorsBody: [UInt8] = {
        let count = 1024
        var header = #"{"input":{"dtype":"F32","shape":[\#(count)],"data_offsets":[0,\#(count * 4)]},"#
            + #""target":{"dtype":"U8","shape":[\#(count)],"data_offsets":[\#(count * 4),\#(count * 5)]}}"#
        while header.utf8.count % 8 != 0 { header += " " }
        var body = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) } + Array(header.utf8)
        for index in 0..<count { body += withUnsafeBytes(of: Float(index % 7) - 3) { Array($0) } }
        for index in 0..<count { body.append(UInt8(index % 2)) }
        return body
    }()

    /// The response head to one request sent with `Accept-Encoding: gzip, deflate`, as Python requests sends.
    private func head(port: Int, _ method: String, _ path: String, body: [UInt8] = []) -> String {
        let client = try? RawClient(port: port)
        var request = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n"
        if !body.isEmpty { request += "Content-Type: application/vnd.safetensors\r\nContent-Length: \(body.count)\r\n" }
        client?.send(Array((request + "\r\n").utf8) + body)
        let text = client?.readAll() ?? ""
        return String(text[..<(text.range(of: "\r\n\r\n")?.lowerBound ?? text.endIndex)])
    }

    @Test("by default a safetensors answer is sent as it is and the OpenAPI document is gzipped")
    func defaultsCompressTextOnly() throws {
        let server = try LossdProcess()
        try server.waitUntilListening()
        let tensors = head(port: server.port, "POST", "/v1/losses/dice", body: Self.safetensorsBody)
        #expect(tensors.hasPrefix("HTTP/1.1 200"), "\(tensors)")
        #expect(tensors.contains("Content-Type: application/vnd.safetensors"))
        #expect(!tensors.contains("Content-Encoding"))
        let spec = head(port: server.port, "GET", "/openapi.yaml")
        #expect(spec.contains("Content-Encoding: gzip"))
        #expect(spec.contains("Vary: Accept-Encoding"))
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }

    @Test("LOSSD_COMPRESS_TYPES=default,application/vnd.safetensors compresses safetensors too")
    func binaryCompressionCanBeTurnedOn() throws {
        let server = try LossdProcess(arguments: ["--port", "0"],
                                      environment: ["LOSSD_COMPRESS_TYPES": "default,application/vnd.safetensors"])
        try server.waitUntilListening()
        let tensors = head(port: server.port, "POST", "/v1/losses/dice", body: Self.safetensorsBody)
        #expect(tensors.contains("Content-Encoding: gzip"), "\(tensors)")
        #expect(head(port: server.port, "GET", "/openapi.yaml").contains("Content-Encoding: gzip"))
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }

    @Test("--compress-types none turns compression off")
    func compressionCanBeTurnedOff() throws {
        let server = try LossdProcess(arguments: ["--port", "0", "--compress-types", "none"])
        try server.waitUntilListening()
        let spec = head(port: server.port, "GET", "/openapi.yaml")
        #expect(spec.hasPrefix("HTTP/1.1 200"))
        #expect(!spec.contains("Content-Encoding") && !spec.contains("Vary"))
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }

    @Test("a malformed compression setting stops start-up with a message naming it",
          arguments: [["LOSSD_COMPRESS_TYPES": "json"], ["LOSSD_COMPRESSION_LEVEL": "0"], ["LOSSD_COMPRESS_MIN_SIZE": "-1"]])
    func malformedSettingsAreRejected(_ environment: [String: String]) throws {
        let server = try LossdProcess(arguments: [], environment: environment)
        #expect(server.waitForExit() != 0)
        let variable = try #require(environment.keys.first)
        #expect(server.stderr.contains(variable), "\(server.stderr)")
    }

    @Test("--help lists the compression options with their variables")
    func helpListsCompressionOptions() throws {
        let process = Process()
        process.executableURL = LossdProcess.executable
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for (flag, variable) in [("--compress-types", "LOSSD_COMPRESS_TYPES"), ("--compress-min-size", "LOSSD_COMPRESS_MIN_SIZE"),
                                 ("--compression-level", "LOSSD_COMPRESSION_LEVEL")] {
            #expect(text.contains(flag), "missing \(flag)")
            #expect(text.contains(variable), "missing \(variable)")
        }
    }
}
