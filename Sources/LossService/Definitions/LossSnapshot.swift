import LossCore
import LossExpressions

/// The losses served at one instant: the built-in catalog and the custom definitions, with the
/// `GET /v1/losses` body rendered for them. Immutable: a request reads one snapshot from
/// ``LossLibrary`` and keeps it, so a definition replaced or deleted meanwhile cannot change a
/// request half-way through.
struct LossSnapshot: Sendable {
    /// The built-in catalog.
    let registry: LossRegistry
    /// Custom losses by name.
    let custom: [String: LossDefinition]
    /// `GET /v1/losses`: built-ins in registration order, then custom losses by name.
    let catalog: [UInt8]

    /// A snapshot of `registry` and `custom`, rendering the catalog.
    init(registry: LossRegistry, custom: [String: LossDefinition]) {
        self.registry = registry
        self.custom = custom
        self.catalog = LossCatalog.list(registry.descriptors + custom.keys.sorted().map { custom[$0]!.descriptor })
    }

    /// The loss `name` (a built-in name or alias, or a custom name).
    func loss(named name: String) -> ServedLoss? {
        if let loss = registry.loss(named: name) { return .builtin(loss) }
        return custom[name].map(ServedLoss.custom)
    }

    /// 404 for an unknown loss, suggesting the nearest built-in or custom name.
    func unknownLoss(_ name: String) -> ServiceError {
        var message = "unknown loss '\(name.prefix(128))'"
        let query = Array(name.lowercased().utf8)
        let nearestCustom = custom.keys.sorted().map { ($0, LossRegistry.editDistance(query, Array($0.utf8))) }.min { $0.1 < $1.1 }
        if let (candidate, distance) = nearestCustom, distance <= max(2, query.count / 2),
           registry.suggestion(for: name).map({ LossRegistry.editDistance(query, Array($0.utf8)) > distance }) ?? true {
            message += "; did you mean '\(candidate)'?"
        } else if let suggestion = registry.suggestion(for: name) {
            message += "; did you mean '\(suggestion)'?"
        }
        message += " (GET /v1/losses lists them all)"
        return ServiceError(.notFound, code: "unknown_loss", message, field: "name")
    }
}
