import ArgumentParser
import Foundation
@preconcurrency import Glibc
import HTTPServer
import Logging
import LossCore
import LossService

/// The `lossd` command: parses options, starts the server, drains on SIGTERM/SIGINT.
@main
struct Lossd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lossd",
        abstract: "Serve training losses and their gradients over HTTP.",
        discussion: """
            Every option can also be set through the environment variable shown with it \
            (LOSSD_HOST, LOSSD_PORT, …); a flag wins over the variable. Values are checked at \
            start-up. SIGTERM or SIGINT stops accepting, reports not-ready, finishes in-flight \
            requests within the grace period, and exits 0.
            """
    )

    @Option(help: "Address to bind; 0.0.0.0 in containers. [env: LOSSD_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "TCP port; 0 picks a free one. [env: LOSSD_PORT] (default: 8080)")
    var port: Int?

    @Option(help: "Worker threads that compute losses. [env: LOSSD_WORKERS] (default: number of cores)")
    var workers: Int?

    @Option(help: "Requests that may wait for a worker before 503. [env: LOSSD_QUEUE_DEPTH] (default: 64)")
    var queueDepth: Int?

    @Option(help: "Largest custom-loss expression source in bytes. [env: LOSSD_EXPRESSION_MAX_BYTES] (default: 65536)")
    var expressionMaxBytes: Int?

    @Option(help: "Most syntax nodes in one expression. [env: LOSSD_EXPRESSION_MAX_NODES] (default: 10000)")
    var expressionMaxNodes: Int?

    @Option(help: "Deepest nesting in one expression. [env: LOSSD_EXPRESSION_MAX_DEPTH] (default: 256)")
    var expressionMaxDepth: Int?

    @Option(help: "Most element operations (nodes × elements) one expression may cost. [env: LOSSD_EXPRESSION_WORK_BUDGET] (default: 1073741824)")
    var expressionWorkBudget: Int?

    @Option(help: """
        Directory of custom-loss definitions (NAME.json, EXPRESSIONS.md "Named custom losses"), loaded at         start — a bad file stops start-up with file:line:column — and written atomically by PUT/DELETE         /v1/losses/{name} and the KServe repository load/unload. Without it, definitions made over HTTP         live in memory only. [env: LOSSD_LOSS_DIR]
        """)
    var lossDir: String?

    @Flag(help: "Refuse PUT/DELETE /v1/losses/{name} and KServe repository load/unload (403). [env: LOSSD_READ_ONLY_LOSSES=1]")
    var readOnlyLosses = false

    @Option(help: "Largest request body in bytes, after decompression. [env: LOSSD_MAX_BODY_SIZE] (default: 268435456)")
    var maxBodySize: Int?

    @Option(help: "Largest request header block in bytes. [env: LOSSD_MAX_HEADER_SIZE] (default: 65536)")
    var maxHeaderSize: Int?

    @Option(help: "Most header fields in one request. [env: LOSSD_MAX_HEADER_COUNT] (default: 100)")
    var maxHeaderCount: Int?

    @Option(help: "Longest request line in bytes. [env: LOSSD_MAX_REQUEST_LINE] (default: 8192)")
    var maxRequestLine: Int?

    @Option(help: "Most open connections. [env: LOSSD_MAX_CONNECTIONS] (default: 1024)")
    var maxConnections: Int?

    @Option(help: "Seconds to receive a request head. [env: LOSSD_HEADER_TIMEOUT] (default: 10)")
    var headerTimeout: Double?

    @Option(help: "Seconds an idle keep-alive connection stays open. [env: LOSSD_IDLE_TIMEOUT] (default: 60)")
    var idleTimeout: Double?

    @Option(help: "Seconds a response may make no progress to a client. [env: LOSSD_WRITE_TIMEOUT] (default: 30)")
    var writeTimeout: Double?

    @Option(help: "Slowest accepted upload in bytes/s, averaged over 10 s. [env: LOSSD_MIN_BODY_RATE] (default: 1024)")
    var minBodyRate: Int?

    @Option(help: "Seconds in-flight requests get to finish after SIGTERM. [env: LOSSD_GRACE_PERIOD] (default: 30)")
    var gracePeriod: Double?

    @Option(help: """
        Comma-separated media types whose responses are gzip/deflate-compressed for clients that accept it         (type/subtype, type/*, type/*+suffix, *); 'default' stands for the default list, 'none' turns         compression off. Binary tensors are not compressed unless listed, e.g.         'default,application/vnd.safetensors'. [env: LOSSD_COMPRESS_TYPES]         (default: \(HTTPServer.Configuration.textMediaTypes.joined(separator: ",")))
        """)
    var compressTypes: String?

    @Option(help: "Smallest response body in bytes that is compressed. [env: LOSSD_COMPRESS_MIN_SIZE] (default: 1024)")
    var compressMinSize: Int?

    @Option(help: "zlib level for compressed responses, 1 (fastest) to 9 (smallest). [env: LOSSD_COMPRESSION_LEVEL] (default: 1)")
    var compressionLevel: Int?

    @Option(help: "trace, debug, info, notice, warning, error or critical. [env: LOSSD_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(help: "text or json (one JSON object per line). [env: LOSSD_LOG_FORMAT] (default: text)")
    var logFormat: String?

    func run() throws {
        // Before any other thread allocates: large buffers are reused from one heap (see MemoryPolicy).
        let ownsMalloc = MemoryPolicy.configure(environment: ProcessInfo.processInfo.environment)
        let settings = try Settings(command: self, environment: ProcessInfo.processInfo.environment)
        let logger = settings.makeLogger()
        let library = try Self.loadLibrary(settings)
        let service = LossService(configuration: settings.serviceConfiguration, library: library, logger: logger)
        let server = HTTPServer(configuration: settings.serverConfiguration, responder: service, logger: logger)
        // Handlers first: a SIGTERM sent as soon as the port is announced must already drain.
        SignalHandling.onTermination { signal in
            logger.info("draining", metadata: ["signal": "\(signal)"])
            service.beginDraining()
            server.shutdown {
                logger.info("stopped")
                Glibc.exit(0)
            }
        }
        do {
            try server.start()
        } catch {
            throw ValidationError("cannot listen on \(settings.serverConfiguration.host):\(settings.serverConfiguration.port): \(error)")
        }
        service.connectionCount = { server.connectionCount }
        if ownsMalloc { MemoryPolicy.trimWhenIdle { service.activity } }
        logger.info("lossd listening", metadata: [
            "custom_losses": "\(library.customNames.count)",
            "address": "\(settings.serverConfiguration.host):\(server.localPort)",
            "workers": "\(settings.serviceConfiguration.workers.workers)",
            "kernels": "\(KernelBuild.summary)",
        ])
        dispatchMain()
    }

    /// The custom losses of `--loss-dir`, validated before the port opens. A bad file ends the
    /// process with status 1 and `lossd: path:line:column: reason` (and the caret line) on stderr.
    static func loadLibrary(_ settings: Settings) throws -> LossLibrary {
        let configuration = settings.serviceConfiguration
        guard let directory = settings.lossDirectory else {
            return LossLibrary(readOnly: settings.readOnlyLosses, limits: configuration.expressionLimits)
        }
        let store = DefinitionStore(directory: directory)
        do {
            let definitions = try store.loadAll(limits: configuration.expressionLimits)
            return LossLibrary(definitions: definitions, store: store, readOnly: settings.readOnlyLosses,
                               limits: configuration.expressionLimits)
        } catch {
            FileHandle.standardError.write(Data("lossd: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
