import Foundation
import LossCore
import LossExpressions
#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loss directory (`--loss-dir`): one definition per file, `NAME.json`, holding the definition's
/// text exactly as it was sent, so a restart reads back what was accepted, line for line.
///
/// Writes are atomic and durable: the text goes to a temporary file in the same directory
/// (`.NAME.json.tmp-…`, which the loader skips), is fsynced, renamed over `NAME.json`, and the
/// directory is fsynced so the rename itself survives a crash. A reader of the directory sees the
/// old file or the new one, never a torn one. Deletion unlinks and fsyncs the directory.
public struct DefinitionStore: Sendable {
    /// The directory.
    public let directory: String

    /// A store over `directory` (which must exist when it is loaded or written).
    public init(directory: String) { self.directory = directory }

    /// The path of `name`'s file.
    func path(of name: String) -> String { (directory as NSString).appendingPathComponent("\(name).json") }

    /// Reads and validates every `*.json` file, in name order.
    /// - Parameters:
    ///   - registry: The built-in catalog; a file may not take a built-in name or alias.
    ///   - limits: The expression limits.
    /// - Throws: ``DefinitionError`` for the first bad file, as `path:line:column: reason`.
    public func loadAll(registry: LossRegistry = .standard, limits: ExpressionLimits = .standard) throws(DefinitionError) -> [LossDefinition] {
        let start = TextPosition(line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DefinitionError("the loss directory does not exist or is not a directory", at: nil, sourceName: directory)
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw DefinitionError("cannot list the loss directory: \(error.localizedDescription)", at: nil, sourceName: directory)
        }
        var definitions: [LossDefinition] = []
        for file in names.sorted() where file.hasSuffix(".json") && !file.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(file)
            let name = String(file.dropLast(".json".count))
            guard LossDefinition.isValidName(name) else {
                throw DefinitionError("'\(file)' does not name a loss: a file is NAME.json with NAME matching [A-Za-z_][A-Za-z0-9_]* (at most 64, not 'expression')",
                                      at: start, sourceName: path)
            }
            if registry.loss(named: name) != nil {
                throw DefinitionError("'\(name)' is a built-in loss and cannot be redefined", at: start, sourceName: path, field: "name")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DefinitionError("cannot read the file", at: nil, sourceName: path)
            }
            definitions.append(try LossDefinition(parsing: Array(data), name: name, sourceName: path, limits: limits, registry: registry))
        }
        return definitions
    }

    /// Replaces (or creates) `name`'s file with `bytes`, atomically and durably.
    /// - Throws: ``ServiceError`` 500 `storage_error` naming the failed step and errno.
    func write(_ bytes: [UInt8], as name: String) throws(ServiceError) {
        let final = path(of: name)
        let temporary = (directory as NSString).appendingPathComponent(".\(name).json.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Self.failure("create \(temporary)") }
        var failed: ServiceError?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failed = Self.failure("write \(temporary)")
                    return
                }
                offset += written
            }
        }
        if failed == nil, fsync(fd) != 0 { failed = Self.failure("fsync \(temporary)") }
        close(fd)
        if failed == nil, rename(temporary, final) != 0 { failed = Self.failure("rename to \(final)") }
        if let failed {
            unlink(temporary)
            throw failed
        }
        try syncDirectory()
    }

    /// Removes `name`'s file (absent is fine) and makes the removal durable.
    /// - Throws: ``ServiceError`` 500 `storage_error`.
    func delete(_ name: String) throws(ServiceError) {
        if unlink(path(of: name)) != 0, errno != ENOENT { throw Self.failure("unlink \(path(of: name))") }
        try syncDirectory()
    }

    private func syncDirectory() throws(ServiceError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.failure("open \(directory)") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Self.failure("fsync \(directory)") }
    }

    private static func failure(_ step: String) -> ServiceError {
        let reason = String(cString: strerror(errno))
        return ServiceError(.internalServerError, code: "storage_error", "the loss directory could not be written (\(step): \(reason))")
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
#endif
