import Foundation
@preconcurrency import Glibc
import Testing

/// lossd under a tiny file-descriptor limit: accept(2) fails with EMFILE while clients keep
/// connecting. The server must neither crash nor spin, and must serve again once they leave.
@Suite(.serialized) struct DescriptorExhaustionTests {
    /// User + system CPU seconds the process has used, from /proc/<pid>/stat.
    static func cpuSeconds(_ pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test("EMFILE on accept neither crashes nor spins, and service resumes")
    func emfileDoesNotSpin() throws {
        let server = try LossdProcess(shell: "ulimit -n 48; exec \"$0\" --port 0 --workers 1")
        try server.waitUntilListening()
        var clients: [RawClient] = []
        for _ in 0..<80 {
            if let client = try? RawClient(port: server.port) { clients.append(client) }
        }
        usleep(300_000)
        let before = try #require(Self.cpuSeconds(server.process.processIdentifier))
        sleep(2)
        let after = try #require(Self.cpuSeconds(server.process.processIdentifier))
        // A spinning accept loop burns a whole core: ~2 s of CPU in 2 s.
        #expect(after - before < 0.8, "lossd used \(after - before) s of CPU in 2 s while out of descriptors")
        #expect(server.process.isRunning)
        #expect(server.stderr.contains("cannot accept"), "the descriptor limit was never reached")
        clients.removeAll()
        usleep(500_000)
        let client = try RawClient(port: server.port, timeout: 10)
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(client.readAll().hasPrefix("HTTP/1.1 200"))
        server.signal(SIGTERM)
        #expect(server.waitForExit() == 0)
    }
}
