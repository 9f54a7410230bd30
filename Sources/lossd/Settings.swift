import ArgumentParser
import HTTPServer
import Logging
import LossService

/// The effective configuration: each flag, else its `LOSSD_*` variable, else the default.
struct Settings {
    var host = "127.0.0.1"
    var port = 8080
    var serviceConfiguration = LossService.Configuration()
    var serverConfiguration = HTTPServer.Configuration()
    var logLevel = Logger.Level.info

    /// Resolves and validates every option.
    /// - Throws: `ValidationError` naming the option and the bad value.
    init(command: Lossd, environment: [String: String]) throws {
        func value<T>(_ flag: T?, _ variable: String, _ parse: (String) -> T?) throws -> T? {
            if let flag { return flag }
            guard let raw = environment[variable], !raw.isEmpty else { return nil }
            guard let parsed = parse(raw) else { throw ValidationError("\(variable)=\(raw) is not a valid value") }
            return parsed
        }
        host = try value(command.host, "LOSSD_HOST", { $0 }) ?? host
        port = try value(command.port, "LOSSD_PORT", { Int($0) }) ?? port
        guard (0...65535).contains(port) else { throw ValidationError("port must be in 0...65535, got \(port)") }

        var workers = serviceConfiguration.workers
        workers.workers = try value(command.workers, "LOSSD_WORKERS", { Int($0) }) ?? workers.workers
        workers.queueDepth = try value(command.queueDepth, "LOSSD_QUEUE_DEPTH", { Int($0) }) ?? workers.queueDepth
        guard (1...4096).contains(workers.workers) else { throw ValidationError("workers must be in 1...4096, got \(workers.workers)") }
        guard (1...1_000_000).contains(workers.queueDepth) else {
            throw ValidationError("queue depth must be in 1...1000000, got \(workers.queueDepth)")
        }
        serviceConfiguration.workers = workers

        serverConfiguration.host = host
        serverConfiguration.port = port
        serverConfiguration.maxBodySize = try value(command.maxBodySize, "LOSSD_MAX_BODY_SIZE", { Int($0) })
            ?? serverConfiguration.maxBodySize
        guard serverConfiguration.maxBodySize > 0 else {
            throw ValidationError("max body size must be positive, got \(serverConfiguration.maxBodySize)")
        }
        if let grace = try value(command.gracePeriod, "LOSSD_GRACE_PERIOD", { Double($0) }) {
            guard grace >= 0, grace.isFinite else { throw ValidationError("grace period must be ≥ 0 seconds, got \(grace)") }
            serverConfiguration.gracePeriod = .milliseconds(Int64(grace * 1000))
        }
        if let name = try value(command.logLevel, "LOSSD_LOG_LEVEL", { $0 }) {
            guard let level = Logger.Level(rawValue: name.lowercased()) else {
                throw ValidationError("log level must be trace, debug, info, notice, warning, error or critical, got \(name)")
            }
            logLevel = level
        }
    }

    /// A stderr logger at the configured level.
    func makeLogger() -> Logger {
        var logger = Logger(label: "lossd")
        logger.logLevel = logLevel
        return logger
    }
}
