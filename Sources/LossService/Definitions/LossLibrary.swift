import LossCore
import LossExpressions
import Synchronization

/// The registry of served losses that can change at run time: the built-in catalog, fixed, and
/// the custom definitions, added and removed by `PUT`/`DELETE /v1/losses/{name}` and the KServe
/// repository extension.
///
/// Readers take a ``LossSnapshot`` (one lock, a reference-count bump: copy-on-write) and keep it
/// for the request. Writers are serialized by a second lock held across the disk write, so the
/// directory and memory change in the same order and readers never wait for an fsync; the
/// snapshot is swapped only after the file is durable, so a definition is never served that a
/// restart would lose.
public final class LossLibrary: Sendable {
    /// Most custom losses at once: a client looping over `PUT` cannot grow memory without bound.
    public static let maxDefinitions = 1024

    /// The built-in catalog.
    let registry: LossRegistry
    /// Where definitions made over HTTP are written; `nil` keeps them in memory only.
    let store: DefinitionStore?
    /// Whether `PUT`, `DELETE`, load and unload are refused (403).
    let readOnly: Bool
    /// Limits for the expressions of new definitions.
    let limits: ExpressionLimits
    private let current: Mutex<LossSnapshot>
    private let writer = Mutex<Int>(0)

    /// Creates a library.
    /// - Parameters:
    ///   - registry: The built-in catalog.
    ///   - definitions: Custom losses to start with (from ``DefinitionStore/loadAll(registry:limits:)``).
    ///   - store: Where definitions made over HTTP are written; `nil`: memory only.
    ///   - readOnly: Refuse changes over HTTP.
    ///   - limits: Expression limits for new definitions.
    public init(registry: LossRegistry = .standard, definitions: [LossDefinition] = [], store: DefinitionStore? = nil,
                readOnly: Bool = false, limits: ExpressionLimits = .standard) {
        self.registry = registry
        self.store = store
        self.readOnly = readOnly
        self.limits = limits
        var custom: [String: LossDefinition] = [:]
        for definition in definitions where registry.loss(named: definition.name) == nil { custom[definition.name] = definition }
        current = Mutex(LossSnapshot(registry: registry, custom: custom))
    }

    /// The losses served now.
    var snapshot: LossSnapshot { current.withLock { $0 } }

    /// The names of the custom losses, sorted.
    public var customNames: [String] { snapshot.custom.keys.sorted() }

    /// Validates and installs a definition under `name`, writing it to the store first.
    /// - Returns: The definition and whether it is new (`false`: it replaced one).
    /// - Throws: ``ServiceError``: 403 `read_only_losses`, 422 `invalid_name` / `invalid_definition`
    ///   (line, column and caret in the message), 409 `builtin_loss` / `too_many_losses`, 500 `storage_error`.
    func define(_ name: String, source: [UInt8]) throws(ServiceError) -> (definition: LossDefinition, created: Bool) {
        try checkWritable(name)
        let definition: LossDefinition
        do {
            definition = try LossDefinition(parsing: source, name: name, limits: limits, registry: registry)
        } catch {
            throw ServiceError(.unprocessableContent, code: "invalid_definition", error.description, field: error.field)
        }
        return try writer.withLock { _ throws(ServiceError) in
            let snapshot = self.snapshot
            if snapshot.custom[name] == nil, snapshot.custom.count >= Self.maxDefinitions {
                throw ServiceError(.conflict, code: "too_many_losses",
                                   "this server already has \(Self.maxDefinitions) custom losses; delete one first", field: "name")
            }
            try store?.write(source, as: name)
            let created = current.withLock { snapshot in
                var custom = snapshot.custom
                let created = custom.updateValue(definition, forKey: name) == nil
                snapshot = LossSnapshot(registry: registry, custom: custom)
                return created
            }
            return (definition, created)
        }
    }

    /// Removes the custom loss `name` and its file.
    /// - Throws: ``ServiceError``: 403 `read_only_losses`, 409 `builtin_loss`, 404 `unknown_loss`, 500 `storage_error`.
    func remove(_ name: String) throws(ServiceError) {
        try checkWritable(name)
        try writer.withLock { _ throws(ServiceError) in
            let snapshot = self.snapshot
            guard snapshot.custom[name] != nil else { throw snapshot.unknownLoss(name) }
            try store?.delete(name)
            current.withLock { snapshot in
                var custom = snapshot.custom
                custom[name] = nil
                snapshot = LossSnapshot(registry: registry, custom: custom)
            }
        }
    }

    private func checkWritable(_ name: String) throws(ServiceError) {
        if readOnly {
            throw ServiceError(.forbidden, code: "read_only_losses",
                               "loss definitions are read-only on this server (--read-only-losses)")
        }
        if let builtin = registry.loss(named: name) {
            throw ServiceError(.conflict, code: "builtin_loss",
                               "'\(name)' is a built-in loss (\(builtin.descriptor.name)) and cannot be redefined or removed", field: "name")
        }
        guard LossDefinition.isValidName(name) else {
            throw ServiceError(.unprocessableContent, code: "invalid_name",
                               "'\(name.prefix(64))' cannot name a loss: use [A-Za-z_][A-Za-z0-9_]*, at most 64 characters, not 'expression'",
                               field: "name")
        }
    }
}
