@preconcurrency import Glibc
import Foundation

/// A blocking POSIX-socket HTTP client for tests: sends exact bytes, reads exact responses.
final class RawClient {
    struct Response {
        var statusLine: String
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    enum ClientError: Error { case connectFailed(Int32), timedOut, closed, malformed(String) }

    let fd: Int32
    private var pending: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1", timeout: Double = 5) throws {
        let isIPv6 = host.contains(":")
        fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var seconds = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
        let status: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            status = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(fd)
            throw ClientError.connectFailed(code)
        }
    }

    deinit { Glibc.close(fd) }

    /// Sends every byte (ignoring failures: the server may have closed on purpose).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    /// Reads at least one more byte into `pending`; throws on EOF or timeout.
    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 { throw ClientError.closed }
        if count < 0 { throw errno == EAGAIN || errno == EWOULDBLOCK ? ClientError.timedOut : ClientError.closed }
        pending.append(contentsOf: chunk[0..<count])
    }

    /// Reads until `marker` has been received, returning everything before it (marker consumed).
    func readUntil(_ marker: [UInt8]) throws -> [UInt8] {
        var searchFrom = 0
        while true {
            if pending.count >= marker.count {
                for start in searchFrom...(pending.count - marker.count) where pending[start..<start + marker.count].elementsEqual(marker) {
                    let before = Array(pending[0..<start])
                    pending.removeFirst(start + marker.count)
                    return before
                }
                searchFrom = pending.count - marker.count + 1
            }
            try fill()
        }
    }

    func readExactly(_ count: Int) throws -> [UInt8] {
        while pending.count < count { try fill() }
        let bytes = Array(pending[0..<count])
        pending.removeFirst(count)
        return bytes
    }

    /// Reads one response framed by Content-Length (no body for HEAD when `head` is true).
    func readResponse(head: Bool = false) throws -> Response {
        let headText = String(decoding: try readUntil(Array("\r\n\r\n".utf8)), as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError.malformed(statusLine) }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = Response(statusLine: statusLine, status: status, headers: headers, body: [])
        let length = response.header("Content-Length").flatMap(Int.init) ?? 0
        if !head && status != 204 && status != 304 && status >= 200 {
            response.body = try readExactly(length)
        }
        return response
    }

    /// True when the server has closed (EOF), false if data or a timeout came instead.
    func isClosedByPeer(within seconds: Double = 3) -> Bool {
        if !pending.isEmpty { return false }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(seconds * 1000)) > 0 else { return false }
        var byte: UInt8 = 0
        let count = recv(fd, &byte, 1, 0)
        if count > 0 { pending.append(byte) }
        return count <= 0
    }
}
