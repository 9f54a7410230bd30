import Testing
@testable import HTTPServer

@Suite struct ServerErrorTraceTests {
    @Test("errors the server answers itself carry a JSON body and a fresh X-Request-Id")
    func serverErrorsCarryRequestID() throws {
        let server = try TestServer()
        var seen: Set<String> = []
        for request in ["GET / HTTP/1.1\r\n\r\n", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"] {
            let client = try RawClient(port: server.port)
            client.send(request)
            let response = try client.readResponse()
            #expect(response.status >= 400)
            #expect(response.header("Content-Type") == "application/json")
            let id = try #require(response.header("X-Request-Id"))
            #expect(!seen.contains(id))
            seen.insert(id)
        }
    }
}
