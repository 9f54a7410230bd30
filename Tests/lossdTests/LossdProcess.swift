import Foundation
@preconcurrency import Glibc

/// The built `lossd` binary running as a child process, for end-to-end tests.
final class LossdProcess: @unchecked Sendable {
    let process = Process()
    private let stderrPipe = Pipe()
    private(set) var port: Int = 0
    private var stderrText = ""
    private let lock = NSLock()

    /// The `lossd` executable next to the test bundle in the build directory.
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("lossd")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/lossd").standardizedFileURL
        return fallback
    }

    /// Runs `lossd` with arguments and waits for it to print its listening address.
    init(executable: URL = LossdProcess.executable, arguments: [String] = ["--port", "0"],
         environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardError = stderrPipe
        process.standardOutput = FileHandle.nullDevice
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self, !data.isEmpty else { return }
            self.lock.lock(); self.stderrText += String(decoding: data, as: UTF8.self); self.lock.unlock()
        }
        try process.run()
    }

    /// Everything the process wrote to stderr so far.
    var stderr: String { lock.lock(); defer { lock.unlock() }; return stderrText }

    /// Runs `lossd` through `/bin/sh -c script`, where `$0` is the lossd binary (for `ulimit` and the like).
    convenience init(shell script: String) throws {
        try self.init(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", script, Self.executable.path])
    }

    /// Waits for the "listening" log line and records the port.
    func waitUntilListening(timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let range = stderr.range(of: #"address=[^ ]*:(\d+)"#, options: .regularExpression) {
                let match = stderr[range]
                port = Int(match.split(separator: ":").last!)!
                return
            }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        throw NSError(domain: "lossd", code: 1, userInfo: [NSLocalizedDescriptionKey: "lossd did not start: \(stderr)"])
    }

    /// Waits for exit and returns the status.
    func waitForExit(timeout: TimeInterval = 30) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate(); return nil }
        return process.terminationStatus
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    deinit { if process.isRunning { process.terminate() } }
}
