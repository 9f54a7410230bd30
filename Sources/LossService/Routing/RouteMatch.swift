import HTTPServer
import LossCore

/// What the route table made of a request's path: the route and loss, or why there is none.
///
/// Metrics, logs and handlers read this; nothing re-parses the path. Labels stay low-cardinality:
/// the template (`other` when no route matched) and the canonical loss name (`unknown` for a
/// name not in the catalog, so clients cannot mint new series).
struct RouteMatch: Sendable {
    /// The matched route; `nil` when no template fits the path.
    let route: Route?
    /// The loss `{name}` resolved to.
    let loss: ServedLoss?
    /// The `{name}` segment, percent-decoded, whether or not it names a loss (for `PUT`).
    var name: String?
    /// Why the path itself cannot be served (unknown route, loss or version), whatever the method.
    let failure: ServiceError?

    /// The `route` label: the template, or `other`.
    var template: String { route?.template ?? "other" }

    /// The `loss` label on routes with `{name}`: the canonical name or `unknown`; `nil` elsewhere.
    var lossLabel: String? {
        if let fixed = route?.fixedLoss { return fixed.descriptor.name }
        guard route?.segments.contains(.loss) == true else { return nil }
        return loss?.name ?? "unknown"
    }

    /// How errors are reported: the route's dialect, lossd's own when no route matched.
    var errors: ErrorDialect { route?.errors ?? .standard }

    /// The handler for `method`.
    /// - Throws: ``failure`` when the path cannot be served; 405 with `Allow` when the route does
    ///   not allow `method` — any token, including methods lossd implements nowhere (`QUERY`).
    ///   A definitions handler (``Route/Handler/definitions(_:)``) is returned for an unknown loss
    ///   too: `PUT` creates one.
    func handler(for method: String) throws(ServiceError) -> Route.Handler {
        if let failure, failure.code != "unknown_loss" { throw failure }
        guard let route else { throw failure ?? ServiceError.internalError("a match without a route or failure") }
        let handler = route.handler(for: method)
        if let failure {
            guard case .definitions? = handler else { throw failure }
        }
        guard let handler else {
            throw ServiceError.methodNotAllowed(method, allowed: route.allowedMethods)
        }
        return handler
    }

    /// The `{name}` segment, for definitions handlers.
    func requireName() throws(ServiceError) -> String {
        guard let name else { throw ServiceError.internalError("route \(template) has no name") }
        return name
    }

    /// The resolved loss, for handlers of routes with `{name}`.
    func requireLoss() throws(ServiceError) -> ServedLoss {
        guard let loss else { throw ServiceError.internalError("route \(template) has no loss") }
        return loss
    }
}
