import HTTPServer
import LossCore

/// One entry of the route table: a path template, the methods it answers, and what answers each.
///
/// Templates are written as metrics and logs show them (`/v2/models/{name}/infer`): literal
/// segments, `{name}` (a loss name or alias, resolved through the registry) and `{version}`
/// (a KServe model version, of which only ``KServeModelMetadata/modelVersion`` exists).
struct Route: Sendable {
    /// One segment of a template.
    enum Segment: Sendable, Equatable {
        /// Matches exactly this text.
        case literal(String)
        /// `{name}`: any segment, percent-decoded and resolved to a loss.
        case loss
        /// `{version}`: any segment, percent-decoded; must be the one model version.
        case version
    }

    /// What answers one method.
    enum Handler: Sendable {
        /// Cheap answers computed on the connection's queue (health, catalog, metadata).
        case immediate(@Sendable (LossService, RouteMatch) throws(ServiceError) -> HTTPResponse)
        /// A loss computation: decode → evaluate → encode on the worker pool, in the formats the
        /// negotiation picks (``LossService/compute(_:request:formats:)``).
        case compute(any WireFormatNegotiation)
        /// An operator route on the loss definitions (`PUT`/`DELETE /v1/losses/{name}`, the KServe
        /// repository extension): runs on the worker pool with the request (its body is the
        /// definition; storing it may fsync), and is answered for names not defined yet.
        case definitions(@Sendable (LossService, RouteMatch, HTTPRequest) throws(ServiceError) -> HTTPResponse)
    }

    /// The template, e.g. `/v1/losses/{name}`: the `route` label of metrics and logs.
    let template: String
    /// The template's segments.
    let segments: [Segment]
    /// The methods answered, in the order `Allow` lists them, with their handlers.
    let methods: [(method: String, handler: Handler)]
    /// How errors on this route are reported.
    let errors: ErrorDialect
    /// The loss of a route whose template names none (`/v1/losses/expression`).
    var fixedLoss: (any Loss.Type)?

    /// Creates a route from its template.
    /// - Parameters:
    ///   - template: `/`-separated literals, `{name}` and `{version}`.
    ///   - errors: The route's error dialect.
    ///   - methods: Each method with its handler, in `Allow` order.
    init(_ template: String, errors: ErrorDialect = .standard, _ methods: [(method: String, handler: Handler)]) {
        self.template = template
        self.segments = template.split(separator: "/").map { part in
            switch part {
            case "{name}": .loss
            case "{version}": .version
            default: .literal(String(part))
            }
        }
        self.methods = methods
        self.errors = errors
    }

    /// A route that always computes `loss` (a literal template tried before `{name}`).
    init(_ template: String, errors: ErrorDialect = .standard, loss: any Loss.Type,
         _ methods: [(method: String, handler: Handler)]) {
        self.init(template, errors: errors, methods)
        self.fixedLoss = loss
    }

    /// The methods, in `Allow` order.
    var allowedMethods: [String] { methods.map(\.method) }

    /// The handler for `method`, or `nil` when the route does not allow it.
    func handler(for method: String) -> Handler? {
        methods.first { $0.method == method }?.handler
    }
}

extension Route {
    /// `GET` and `HEAD` answered alike (the server drops the body of a HEAD answer).
    static func get(_ answer: @escaping @Sendable (LossService, RouteMatch) throws(ServiceError) -> HTTPResponse)
        -> [(method: String, handler: Handler)] {
        [("GET", .immediate(answer)), ("HEAD", .immediate(answer))]
    }

    /// `method` changes or lists loss definitions (``Handler/definitions(_:)``).
    static func definitions(_ method: String,
                            _ answer: @escaping @Sendable (LossService, RouteMatch, HTTPRequest) throws(ServiceError) -> HTTPResponse)
        -> [(method: String, handler: Handler)] {
        [(method, .definitions(answer))]
    }

    /// `POST` runs the loss in the formats `negotiation` picks.
    static func post(_ negotiation: any WireFormatNegotiation) -> [(method: String, handler: Handler)] {
        [("POST", .compute(negotiation))]
    }
}
