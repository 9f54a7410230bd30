import Foundation
@preconcurrency import Glibc
import Logging
import TensorCodecs

/// A swift-log handler writing one JSON object per line to stderr, for log collectors:
/// `{"ts":"2026-11-29T16:00:00.123Z","level":"info","label":"lossd","message":"request","method":"POST",…}`.
struct JSONLogHandler: LogHandler {
    /// Handler-level metadata merged into every line.
    var metadata: Logger.Metadata = [:]
    /// Lines below this level are dropped.
    var logLevel: Logger.Level = .info
    private let label: String

    /// Creates a handler for `label`.
    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var writer = JSONWriter(reservingCapacity: 256)
        writer.beginObject()
        writer.key("ts"); writer.string(Self.timestamp())
        writer.key("level"); writer.string(event.level.rawValue)
        writer.key("label"); writer.string(label)
        writer.key("message"); writer.string(event.message.description)
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() where !["ts", "level", "label", "message"].contains(key) {
            writer.key(key)
            Self.write(merged[key]!, into: &writer)
        }
        writer.endObject()
        var line = writer.bytes
        line.append(UInt8(ascii: "\n"))
        // One write(2) per line keeps lines from interleaving between threads.
        line.withUnsafeBytes { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static func write(_ value: Logger.Metadata.Value, into writer: inout JSONWriter) {
        switch value {
        case .string(let string):
            if let integer = Int64(string) { writer.integer(integer) } else { writer.string(string) }
        case .stringConvertible(let convertible): writer.string(convertible.description)
        case .array(let values):
            writer.beginArray()
            for element in values { write(element, into: &writer) }
            writer.endArray()
        case .dictionary(let dictionary):
            writer.beginObject()
            for key in dictionary.keys.sorted() {
                writer.key(key)
                write(dictionary[key]!, into: &writer)
            }
            writer.endObject()
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, now.tv_nsec / 1_000_000)
    }
}
