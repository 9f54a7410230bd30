import Dispatch

extension HTTPServer {
    /// Listening address, limits and timeouts. Every field has a safe default.
    public struct Configuration: Sendable {
        /// Address to bind: an IPv4/IPv6 literal or a host name. Default `127.0.0.1`;
        /// use `0.0.0.0` or `::` to accept remote clients.
        public var host: String = "127.0.0.1"
        /// TCP port; 0 asks the kernel for a free one (see `HTTPServer.localPort`). Default 8080.
        public var port: Int = 8080
        /// Largest accepted request body in bytes, after de-chunking and decompression
        /// (larger → 413). Default 256 MiB.
        public var maxBodySize: Int = 256 * 1024 * 1024
        /// Largest header block (all field lines together) in bytes (larger → 431). Default 64 KiB.
        public var maxHeaderBytes: Int = 64 * 1024
        /// Most header fields in one request (more → 431). Default 100.
        public var maxHeaderCount: Int = 100
        /// Longest request line in bytes (longer → 414). Default 8 KiB.
        public var maxRequestLineLength: Int = 8 * 1024
        /// Longest chunk-size line including extensions (longer → 400). Default 4 KiB.
        public var maxChunkLineLength: Int = 4 * 1024
        /// Time a client has to send a complete request head once it started one (→ 408). Default 10 s.
        public var headerTimeout: Duration = .seconds(10)
        /// Time an idle keep-alive connection stays open between requests. Default 60 s.
        public var idleTimeout: Duration = .seconds(60)
        /// Minimum average upload rate in bytes/s, measured over `bodyRateWindow`
        /// while the server waits for body bytes (slower → 408 and close). Default 1 KiB/s.
        public var minimumBodyRate: Int = 1024
        /// Window over which `minimumBodyRate` is measured. Default 10 s.
        public var bodyRateWindow: Duration = .seconds(10)
        /// Time a response may make no write progress before the connection is dropped. Default 30 s.
        public var writeTimeout: Duration = .seconds(30)
        /// Most simultaneously open connections; extra clients get 503 and are closed. Default 1024.
        public var maxConnections: Int = 1024
        /// Time `shutdown` waits for in-flight requests before closing everything. Default 30 s.
        public var gracePeriod: Duration = .seconds(30)
        /// After an error response the server stops sending and discards client bytes for
        /// at most this long, so the client reads the error instead of a reset. Default 2 s.
        public var lingerTimeout: Duration = .seconds(2)
        /// Most bytes discarded during a lingering close. Default 1 MiB.
        public var lingerMaxBytes: Int = 1024 * 1024
        /// `listen(2)` backlog. Default 511.
        public var backlog: Int32 = 511
        /// Value of the `Server` response header; nil omits it. Default `lossd`.
        public var serverName: String? = "lossd"
        /// Inflate request bodies sent with `Content-Encoding: gzip` or `deflate`. Default true.
        public var decodeRequestContent: Bool = true
        /// Compress responses when the client's `Accept-Encoding` allows it and the
        /// response's type is in `compressibleMediaTypes`. Default true.
        public var compressResponses: Bool = true
        /// Media types whose responses are compressed, as nginx's `gzip_types`: an exact
        /// `type/subtype`, `type/*`, a structured-syntax suffix `type/*+suffix`, or `*` for
        /// every response. Matched case-insensitively against `Content-Type` without its
        /// parameters. Anything not listed — notably binary tensors, `application/vnd.safetensors`
        /// and `application/octet-stream`, whose float bits barely shrink — is sent as it is.
        /// Default `textMediaTypes`.
        public var compressibleMediaTypes: [String] = Configuration.textMediaTypes
        /// Smallest response body worth compressing, in bytes (nginx's `gzip_min_length`). Default 1 KiB.
        public var compressionThreshold: Int = 1024
        /// zlib compression level for responses, 1 (fastest) to 9 (smallest). Default 6.
        public var compressionLevel: Int32 = 6

        /// The default `compressibleMediaTypes`: text that shrinks several times under
        /// deflate — JSON (and `+json` types such as `application/problem+json`), YAML,
        /// XML, every `text/*` (the Prometheus exposition format is `text/plain`) and OpenMetrics.
        public static let textMediaTypes: [String] = [
            "text/*", "application/json", "application/*+json", "application/yaml", "application/x-yaml",
            "application/*+yaml", "application/xml", "application/*+xml", "application/openmetrics-text",
        ]

        /// Creates a configuration with every default; change fields afterwards.
        public init() {}

        /// Creates a configuration listening on `host:port` with every other default.
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Parser limits derived from this configuration.
        var parserLimits: HTTPRequestParser.Limits {
            HTTPRequestParser.Limits(
                maxRequestLineLength: maxRequestLineLength, maxHeaderBytes: maxHeaderBytes,
                maxHeaderCount: maxHeaderCount, maxBodySize: maxBodySize,
                maxChunkLineLength: maxChunkLineLength
            )
        }
    }
}

extension Duration {
    /// The duration in whole nanoseconds, clamped to zero below and saturating above.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let fraction = UInt64(max(0, attoseconds) / 1_000_000_000)
        let (whole, overflowed) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        let (total, carried) = whole.addingReportingOverflow(fraction)
        return overflowed || carried ? .max : total
    }
}
