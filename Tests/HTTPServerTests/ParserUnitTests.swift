import Testing
@testable import HTTPServer

@Suite("HTTPRequestParser and HTTPHeaders without sockets")
struct ParserUnitTests {
    private func events(_ chunks: [[UInt8]]) throws -> [HTTPRequestParser.Event] {
        var parser = HTTPRequestParser()
        var collected: [HTTPRequestParser.Event] = []
        for chunk in chunks {
            parser.append(chunk)
            while let event = try parser.nextEvent() { collected.append(event) }
        }
        return collected
    }

    /// Joins body pieces so results compare independently of how bytes were split.
    private func normalized(_ events: [HTTPRequestParser.Event]) -> [HTTPRequestParser.Event] {
        var result: [HTTPRequestParser.Event] = []
        for event in events {
            if case .body(let more) = event, case .body(let previous)? = result.last {
                result[result.count - 1] = .body(previous + more)
            } else {
                result.append(event)
            }
        }
        return result
    }

    @Test func everySplitPointYieldsTheSameEvents() throws {
        let message = Array(("POST /a?b=c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "4;x=y\r\nwiki\r\n5\r\npedia\r\n0\r\nX-T: 1\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n").utf8)
        let whole = normalized(try events([message]))
        #expect(whole.count == 5) // head, body, end, head, end
        #expect(whole[1] == .body(Array("wikipedia".utf8)))
        #expect(whole[2] == .end(trailers: ["X-T": "1"]))
        for split in 1..<message.count {
            #expect(normalized(try events([Array(message[..<split]), Array(message[split...])])) == whole)
        }
    }

    @Test func headCarriesFramingAndPersistenceDecisions() throws {
        let parsed = try events([Array("PUT /p HTTP/1.0\r\nContent-Length: 2\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\nhi".utf8)])
        guard case .head(let head) = parsed.first else { Issue.record("no head"); return }
        #expect(head.framing == .length(2))
        #expect(head.keepAlive)
        #expect(!head.expectsContinue) // Expect is ignored on HTTP/1.0
        #expect(parsed.last == .end(trailers: [:]))
    }

    @Test func errorsAreSticky() throws {
        var parser = HTTPRequestParser()
        parser.append(Array("BAD\r\n".utf8))
        #expect(throws: HTTPParseError.malformedRequestLine) { try parser.nextEvent() }
        parser.append(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        #expect(throws: HTTPParseError.malformedRequestLine) { try parser.nextEvent() }
    }

    @Test func headersAreOrderedAndCaseInsensitive() {
        var headers: HTTPHeaders = ["Accept": "a", "X-One": "1"]
        headers.add("accept", "b")
        #expect(headers["ACCEPT"] == "a")
        #expect(headers.values("Accept") == ["a", "b"])
        headers.set("Accept", "c")
        #expect(headers.values("accept") == ["c"])
        headers.remove("x-one")
        #expect(headers.count == 1 && !headers.contains("X-One"))
    }

    @Test func requestSplitsPathAndQuery() {
        #expect(HTTPRequest(method: "GET", target: "/a/b?x=1?y").path == "/a/b")
        #expect(HTTPRequest(method: "GET", target: "/a/b?x=1?y").query == "x=1?y")
        #expect(HTTPRequest(method: "GET", target: "/plain").query == nil)
        #expect(HTTPRequest(method: "GET", target: "http://h:8/p?q").path == "/p")
        #expect(HTTPRequest(method: "GET", target: "http://h").path == "/")
    }

    @Test func jsonErrorEscapesItsMessage() {
        let response = HTTPResponse.jsonError(.badRequest, code: "c", message: "a \"b\"\n\u{1}")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":"a \"b\"\n\u0001","code":"c"}"#)
    }
}
