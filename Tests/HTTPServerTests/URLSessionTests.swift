import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import HTTPServer

@Suite("Real clients: URLSession and curl")
struct URLSessionTests {
    private func fetch(_ request: URLRequest, session: URLSession = .shared) async throws -> (Int, HTTPURLResponse, Data) {
        let (data, response) = try await session.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http, data)
    }

    @Test func getAndPostThroughURLSession() async throws {
        let server = try TestServer()
        let base = URL(string: "http://127.0.0.1:\(server.port)")!
        let (status, _, data) = try await fetch(URLRequest(url: base.appendingPathComponent("hello")))
        #expect(status == 200 && String(decoding: data, as: UTF8.self) == "GET /hello - 0")

        var post = URLRequest(url: base.appendingPathComponent("upload"))
        post.httpMethod = "POST"
        post.httpBody = Data(repeating: 7, count: 2 * 1024 * 1024)
        let (postStatus, _, postData) = try await fetch(post)
        #expect(postStatus == 200 && String(decoding: postData, as: UTF8.self) == "POST /upload - 2097152")
    }

    @Test func sequentialURLSessionRequestsReuseTheConnection() async throws {
        let server = try TestServer()
        let url = URL(string: "http://127.0.0.1:\(server.port)/again")!
        // A session of its own: the shared one's connection cache is shared with every test
        // running in parallel, and evicting this test's idle connection there would close it.
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        for _ in 0..<5 { _ = try await fetch(URLRequest(url: url), session: session) }
        #expect(server.server.connectionCount == 1)
    }

    @Test func fiftyConcurrentURLSessionClients() async throws {
        let server = try TestServer()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                group.addTask {
                    let url = URL(string: "http://127.0.0.1:\(server.port)/delay/20?i=\(index)")!
                    return try await fetch(URLRequest(url: url)).0
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 50 && statuses.allSatisfy { $0 == 200 })
    }

    @Test func curlLargeUploadDoesNotStallOnExpectContinue() throws {
        let server = try TestServer()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lossd-upload-\(UUID()).bin")
        try Data(repeating: 1, count: 3 * 1024 * 1024).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-o", "-", "-w", "\n%{time_total}", "--data-binary", "@\(file.path)",
                          "http://127.0.0.1:\(server.port)/upload"]
        let output = Pipe()
        curl.standardOutput = output
        try curl.run()
        curl.waitUntilExit()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n")
        #expect(lines.first == "POST /upload - 3145728")
        // Without 100 Continue curl waits a full second before sending the body.
        #expect((Double(lines.last ?? "9") ?? 9) < 0.9)
    }
}
