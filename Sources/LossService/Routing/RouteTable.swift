import HTTPServer
import LossCore

/// Matches request paths against ``Route`` templates.
///
/// Paths are split on `/` with empty segments dropped (`/v1//losses` is `/v1/losses`); a
/// template matches a path of as many segments whose literals agree. Templates are tried in
/// order and must not overlap. Parameters are resolved left to right and the first that fails
/// decides the answer (an unknown loss is 404 whatever the method, so a typo in a POST is
/// reported as such).
struct RouteTable: Sendable {
    /// The routes, tried in order.
    let routes: [Route]

    /// The match for `path`; never throws — a path no route serves is a match with a ``RouteMatch/failure``.
    func match(_ path: String, registry: LossRegistry) -> RouteMatch {
        match(path, losses: LossSnapshot(registry: registry, custom: [:]))
    }

    /// The match for `path`, resolving `{name}` among the built-in and custom losses of `losses`.
    func match(_ path: String, losses: LossSnapshot) -> RouteMatch {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        for route in routes where route.segments.count == parts.count {
            guard zip(route.segments, parts).allSatisfy({ segment, part in
                if case .literal(let text) = segment { return part == text }
                return true
            }) else { continue }
            return resolve(route, parts: parts, losses: losses)
        }
        return RouteMatch(route: nil, loss: nil, name: nil, failure: ServiceError(.notFound, code: "not_found", "no route for \(path)"))
    }

    private func resolve(_ route: Route, parts: [Substring], losses: LossSnapshot) -> RouteMatch {
        var loss: ServedLoss? = route.fixedLoss.map(ServedLoss.builtin)
        var name: String?
        for (segment, part) in zip(route.segments, parts) {
            switch segment {
            case .literal:
                continue
            case .loss:
                let decoded = String(part).removingPercentEncodingOrSelf
                name = decoded
                loss = losses.loss(named: decoded)
                guard loss != nil else {
                    return RouteMatch(route: route, loss: nil, name: name, failure: losses.unknownLoss(decoded))
                }
            case .version:
                let version = String(part).removingPercentEncodingOrSelf
                guard version == KServeModelMetadata.modelVersion else {
                    let model = loss?.name ?? ""
                    return RouteMatch(route: route, loss: loss, name: name, failure: ServiceError(
                        .notFound, code: "unknown_version",
                        "model '\(model)' has no version '\(version.prefix(32))' (only '\(KServeModelMetadata.modelVersion)')",
                        field: "version"))
                }
            }
        }
        return RouteMatch(route: route, loss: loss, name: name, failure: nil)
    }
}
