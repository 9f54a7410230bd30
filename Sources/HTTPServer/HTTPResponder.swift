import Dispatch

/// The application behind an `HTTPServer`.
///
/// `respond` is called on the connection's I/O queue: hand heavy work to another queue
/// and call `completion` exactly once, from any thread. The server hops back to the
/// connection's queue itself. Extra calls to `completion` are ignored.
///
/// The server's own heavy work — inflating a gzip/deflate request body before `respond`,
/// compressing a response — never runs on an I/O queue either. A response is compressed
/// on the thread that calls `completion` (so a responder that completes from its worker
/// pays for it there, inside its bound); work that would otherwise land on an I/O queue
/// goes to `offload(_:)`.
public protocol HTTPResponder: Sendable {
    /// Produces the response to one complete request.
    func respond(to request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void)

    /// Runs CPU-bound work for the server off its I/O queues: inflating a request body, or
    /// compressing a response that `respond` completed synchronously on the I/O queue.
    /// Return false to refuse when saturated: the server then answers an inflation with
    /// 503 and `Retry-After`, and sends a response uncompressed.
    ///
    /// A responder with a bounded worker pool should run `work` there, so this work is
    /// bounded like its own. The default runs it on a global Dispatch queue.
    func offload(_ work: @escaping @Sendable () -> Void) -> Bool
}

extension HTTPResponder {
    /// Runs `work` on a global Dispatch queue; always accepts.
    public func offload(_ work: @escaping @Sendable () -> Void) -> Bool {
        DispatchQueue.global().async(execute: work)
        return true
    }
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
