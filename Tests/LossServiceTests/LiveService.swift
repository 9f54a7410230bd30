import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPServer
import Logging
import LossService

/// A LossService behind a real HTTPServer on an ephemeral port.
final class LiveService: @unchecked Sendable {
    let service: LossService
    let server: HTTPServer
    var base: String { "http://127.0.0.1:\(server.localPort)" }

    init(workers: WorkerPool.Configuration = .init(workers: 2, queueDepth: 16), maxBodySize: Int? = nil,
         library: LossLibrary? = nil) throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        service = LossService(configuration: .init(workers: workers), library: library, logger: logger)
        var configuration = HTTPServer.Configuration()
        configuration.port = 0
        if let maxBodySize { configuration.maxBodySize = maxBodySize }
        server = HTTPServer(configuration: configuration, responder: service, logger: logger)
        try server.start()
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One request through URLSession.
    func send(_ method: String, _ path: String, body: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let body { request.httpBody = Data(body.utf8) }
        if body != nil, headers["Content-Type"] == nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    deinit {
        let done = DispatchSemaphore(value: 0)
        server.shutdown { done.signal() }
        _ = done.wait(timeout: .now() + 5)
    }
}
