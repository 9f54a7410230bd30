import ArgumentParser
import Foundation
import HTTPServer
import Logging
import LossService

/// The effective configuration: each flag, else its `LOSSD_*` variable, else the default.
struct Settings {
    var serviceConfiguration = LossService.Configuration()
    var serverConfiguration = HTTPServer.Configuration()
    var logLevel = Logger.Level.info
    var logFormat = LogFormat.text
    /// `--loss-dir`: where custom-loss definitions live; `nil` keeps them in memory.
    var lossDirectory: String?
    /// `--read-only-losses`: definitions cannot be changed over HTTP.
    var readOnlyLosses = false

    /// How log lines are written to stderr.
    enum LogFormat: String {
        case text, json
    }

    /// Resolves and validates every option.
    /// - Throws: `ValidationError` naming the option and the bad value.
    init(command: Lossd, environment: [String: String]) throws {
        var resolver = OptionResolver(environment: environment)
        var server = HTTPServer.Configuration()
        // JSON gradients are large, high-entropy float text: zlib level 1 keeps most of the saving
        // at several times the speed of the default 6, which matters for clients such as
        // Python requests that always send Accept-Encoding: gzip.
        server.compressionLevel = 1
        server.host = try resolver.string(command.host, "LOSSD_HOST") ?? server.host
        server.port = try resolver.integer(command.port, "LOSSD_PORT", in: 0...65535) ?? server.port
        server.maxBodySize = try resolver.integer(command.maxBodySize, "LOSSD_MAX_BODY_SIZE", in: 1...Int.max) ?? server.maxBodySize
        server.maxHeaderBytes = try resolver.integer(command.maxHeaderSize, "LOSSD_MAX_HEADER_SIZE", in: 1024...(16 << 20))
            ?? server.maxHeaderBytes
        server.maxHeaderCount = try resolver.integer(command.maxHeaderCount, "LOSSD_MAX_HEADER_COUNT", in: 1...10_000)
            ?? server.maxHeaderCount
        server.maxRequestLineLength = try resolver.integer(command.maxRequestLine, "LOSSD_MAX_REQUEST_LINE", in: 64...(1 << 20))
            ?? server.maxRequestLineLength
        server.maxConnections = try resolver.integer(command.maxConnections, "LOSSD_MAX_CONNECTIONS", in: 1...1_000_000)
            ?? server.maxConnections
        server.headerTimeout = try resolver.seconds(command.headerTimeout, "LOSSD_HEADER_TIMEOUT", positive: true) ?? server.headerTimeout
        server.idleTimeout = try resolver.seconds(command.idleTimeout, "LOSSD_IDLE_TIMEOUT", positive: true) ?? server.idleTimeout
        server.writeTimeout = try resolver.seconds(command.writeTimeout, "LOSSD_WRITE_TIMEOUT", positive: true) ?? server.writeTimeout
        server.minimumBodyRate = try resolver.integer(command.minBodyRate, "LOSSD_MIN_BODY_RATE", in: 0...Int.max)
            ?? server.minimumBodyRate
        server.gracePeriod = try resolver.seconds(command.gracePeriod, "LOSSD_GRACE_PERIOD", positive: false) ?? server.gracePeriod
        if let list = try resolver.string(command.compressTypes, "LOSSD_COMPRESS_TYPES") {
            server.compressibleMediaTypes = try Self.compressibleMediaTypes(list)
        }
        server.compressionThreshold = try resolver.integer(command.compressMinSize, "LOSSD_COMPRESS_MIN_SIZE", in: 0...Int.max)
            ?? server.compressionThreshold
        server.compressionLevel = try resolver.integer(command.compressionLevel, "LOSSD_COMPRESSION_LEVEL", in: 1...9)
            .map(Int32.init) ?? server.compressionLevel
        serverConfiguration = server

        var workers = serviceConfiguration.workers
        workers.workers = try resolver.integer(command.workers, "LOSSD_WORKERS", in: 1...4096) ?? workers.workers
        workers.queueDepth = try resolver.integer(command.queueDepth, "LOSSD_QUEUE_DEPTH", in: 1...1_000_000) ?? workers.queueDepth
        serviceConfiguration.workers = workers
        var limits = serviceConfiguration.expressionLimits
        limits.maxSourceBytes = try resolver.integer(command.expressionMaxBytes, "LOSSD_EXPRESSION_MAX_BYTES", in: 1...(1 << 30)) ?? limits.maxSourceBytes
        limits.maxNodes = try resolver.integer(command.expressionMaxNodes, "LOSSD_EXPRESSION_MAX_NODES", in: 1...10_000_000) ?? limits.maxNodes
        limits.maxDepth = try resolver.integer(command.expressionMaxDepth, "LOSSD_EXPRESSION_MAX_DEPTH", in: 1...1024) ?? limits.maxDepth
        limits.workBudget = try resolver.integer(command.expressionWorkBudget, "LOSSD_EXPRESSION_WORK_BUDGET", in: 1...(1 << 50)) ?? limits.workBudget
        serviceConfiguration.expressionLimits = limits
        lossDirectory = try resolver.string(command.lossDir, "LOSSD_LOSS_DIR")
        readOnlyLosses = try resolver.bool(command.readOnlyLosses, "LOSSD_READ_ONLY_LOSSES")

        if let name = try resolver.string(command.logLevel, "LOSSD_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: name.lowercased()) else {
                throw ValidationError("log level must be trace, debug, info, notice, warning, error or critical, got '\(name)'")
            }
            logLevel = level
        }
        if let name = try resolver.string(command.logFormat, "LOSSD_LOG_FORMAT") {
            guard let format = LogFormat(rawValue: name.lowercased()) else {
                throw ValidationError("log format must be text or json, got '\(name)'")
            }
            logFormat = format
        }
    }

    /// `--compress-types`: media type patterns, `default` expanding to the built-in text
    /// types and `none` meaning nothing is compressed.
    /// - Throws: `ValidationError` naming a malformed entry.
    static func compressibleMediaTypes(_ list: String) throws -> [String] {
        var types: [String] = []
        for entry in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !entry.isEmpty {
            switch entry {
            case "default": types += HTTPServer.Configuration.textMediaTypes
            case "none": continue
            default:
                guard HTTPServer.Configuration.isValidMediaTypePattern(entry) else {
                    throw ValidationError("--compress-types (LOSSD_COMPRESS_TYPES): '\(entry)' is not a media type such as application/json, text/* or application/*+json")
                }
                types.append(entry)
            }
        }
        return types
    }

    /// A stderr logger at the configured level and format.
    func makeLogger() -> Logger {
        let format = logFormat
        var logger = Logger(label: "lossd") { label in
            switch format {
            case .text: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler(label: label)
            }
        }
        logger.logLevel = logLevel
        return logger
    }
}
