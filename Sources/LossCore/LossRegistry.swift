/// The catalog of losses, looked up by canonical name or alias.
public struct LossRegistry: Sendable {
    private let byName: [String: any Loss.Type]
    /// Every registered loss type, in registration order.
    public let losses: [any Loss.Type]

    /// Creates a registry.
    /// - Parameter losses: Loss types; names and aliases must be unique.
    public init(_ losses: [any Loss.Type]) {
        var byName: [String: any Loss.Type] = [:]
        for loss in losses {
            let descriptor = loss.descriptor
            for name in [descriptor.name] + descriptor.aliases {
                precondition(byName[name] == nil, "loss name '\(name)' registered twice")
                byName[name] = loss
            }
        }
        self.byName = byName
        self.losses = losses
    }

    /// Every loss this package implements.
    public static let standard = LossRegistry(StandardLosses.all)

    /// The loss registered under `name` (canonical or alias), if any.
    public func loss(named name: String) -> (any Loss.Type)? { byName[name] }

    /// Descriptors of every loss, in registration order.
    public var descriptors: [LossDescriptor] { losses.map { $0.descriptor } }

    /// Every name and alias.
    public var allNames: [String] { byName.keys.sorted() }

    /// The registered name closest to `name` by edit distance, when it is plausibly a typo.
    /// - Parameter name: A name that is not registered.
    public func suggestion(for name: String) -> String? {
        let query = Array(name.lowercased().utf8)
        var best: (name: String, distance: Int)?
        for candidate in allNames {
            let distance = LossRegistry.editDistance(query, Array(candidate.utf8))
            if best == nil || distance < best!.distance { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(2, query.count / 2) else { return nil }
        return best.name
    }

    /// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
    /// transpositions each cost 1, so the common typo "dcie" is one step from "dice".
    public static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var table = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count { table[i * width] = i }
        for j in 0...b.count { table[j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(table[(i - 1) * width + j] + 1, table[i * width + j - 1] + 1,
                               table[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, table[(i - 2) * width + j - 2] + 1)
                }
                table[i * width + j] = best
            }
        }
        return table[a.count * width + b.count]
    }
}
