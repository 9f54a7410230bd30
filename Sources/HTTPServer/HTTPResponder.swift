/// The application behind an `HTTPServer`.
///
/// `respond` is called on the connection's I/O queue: hand heavy work to another queue
/// and call `completion` exactly once, from any thread. The server hops back to the
/// connection's queue itself. Extra calls to `completion` are ignored.
public protocol HTTPResponder: Sendable {
    /// Produces the response to one complete request.
    func respond(to request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void)
}

/// A responder backed by a closure, handy for tests and small servers.
public struct ClosureResponder: HTTPResponder {
    private let handler: @Sendable (HTTPRequest, @escaping @Sendable (HTTPResponse) -> Void) -> Void

    /// Wraps an asynchronous handler.
    public init(_ handler: @escaping @Sendable (HTTPRequest, @escaping @Sendable (HTTPResponse) -> Void) -> Void) {
        self.handler = handler
    }

    /// Wraps a synchronous handler.
    public init(synchronous handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        self.handler = { request, completion in completion(handler(request)) }
    }

    /// Calls the wrapped handler.
    public func respond(to request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        handler(request, completion)
    }
}
