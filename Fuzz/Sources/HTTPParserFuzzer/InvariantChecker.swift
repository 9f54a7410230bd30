import HTTPServer

/// Properties every event must have whatever bytes arrived; a violation traps.
struct InvariantChecker {
    let limits: HTTPRequestParser.Limits
    /// Bytes appended to the parser so far.
    var fed = 0
    private var currentHead: HTTPRequestHead?
    private var bodyBytes = 0

    init(limits: HTTPRequestParser.Limits) {
        self.limits = limits
    }

    mutating func check(_ event: HTTPRequestParser.Event, bufferedByteCount: Int) {
        precondition(bufferedByteCount >= 0 && bufferedByteCount <= fed, "buffered byte count out of range")
        switch event {
        case .head(let head):
            precondition(currentHead == nil, "a head arrived inside a message")
            checkHead(head)
            currentHead = head
            bodyBytes = 0
        case .body(let bytes):
            guard let head = currentHead else { preconditionFailure("body outside a message") }
            precondition(!bytes.isEmpty, "empty body piece")
            bodyBytes += bytes.count
            precondition(bodyBytes <= limits.maxBodySize, "body exceeds the limit")
            switch head.framing {
            case .none: preconditionFailure("body on a message framed without one")
            case .length(let length): precondition(bodyBytes <= length, "body longer than Content-Length")
            case .chunked: break
            }
        case .end(let trailers):
            guard let head = currentHead else { preconditionFailure("end outside a message") }
            if case .length(let length) = head.framing {
                precondition(bodyBytes == length, "message ended before Content-Length bytes")
            }
            if head.framing != .chunked { precondition(trailers.isEmpty, "trailers without chunked framing") }
            precondition(trailers.count <= limits.maxHeaderCount, "too many trailers")
            for framingField in ["Content-Length", "Transfer-Encoding", "Host", "Content-Encoding"] {
                precondition(!trailers.contains(framingField), "a trailer set \(framingField)")
            }
            checkFields(trailers)
            currentHead = nil
        }
    }

    /// Errors are client errors or refusals, never success, and stay sticky.
    func checkError(_ error: HTTPParseError, parser: inout HTTPRequestParser) {
        precondition((400..<600).contains(error.status.code), "error with a non-error status")
        precondition(!error.code.isEmpty, "error without a code")
        do {
            _ = try parser.nextEvent()
            preconditionFailure("the parser recovered after an error")
        } catch let repeated {
            precondition(repeated == error, "a different error on the second call")
        }
    }

    private func checkHead(_ head: HTTPRequestHead) {
        precondition(!head.method.isEmpty && !head.target.isEmpty, "empty method or target")
        precondition(head.version == .http1_0 || head.version == .http1_1, "unsupported version accepted")
        precondition(head.headers.count <= limits.maxHeaderCount, "too many header fields accepted")
        precondition(head.method.utf8.count + head.target.utf8.count < limits.maxRequestLineLength, "request line over the limit")
        if head.version == .http1_1 {
            precondition(head.headers.values("Host").count == 1, "HTTP/1.1 without exactly one Host")
        }
        if head.headers.contains("Transfer-Encoding") {
            precondition(!head.headers.contains("Content-Length"), "TE and CL both accepted")
            precondition(head.framing == .chunked, "Transfer-Encoding accepted without chunked framing")
        }
        if case .length(let length) = head.framing {
            precondition(length > 0 && length <= limits.maxBodySize, "accepted length out of range")
        }
        checkFields(head.headers)
    }

    private func checkFields(_ fields: HTTPHeaders) {
        for (name, value) in fields {
            precondition(!name.isEmpty, "empty field name")
            for byte in name.utf8 {
                precondition(byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: ":"), "bad byte in a field name")
            }
            for byte in value.utf8 {
                precondition(byte >= 0x20 || byte == 0x09, "control byte in a field value")
                precondition(byte != 0x7F, "DEL in a field value")
            }
            if let first = value.utf8.first, let last = value.utf8.last {
                precondition(first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09, "field value not trimmed")
            }
        }
    }
}
