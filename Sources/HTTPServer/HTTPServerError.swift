/// Why an `HTTPServer` could not start or keep listening.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process (or server) already listens on this address.
    case addressInUse(host: String, port: Int)
    /// Binding needs privileges the process lacks (e.g. a port below 1024).
    case permissionDenied(host: String, port: Int)
    /// The host is neither a numeric address nor a resolvable name.
    case invalidHost(String, reason: String)
    /// The address family or address is not available on this machine.
    case addressNotAvailable(host: String, port: Int)
    /// A socket system call failed; `call` names it, `errno` is the C error number.
    case systemCall(call: String, errno: Int32, message: String)
    /// `start()` was called on a server that is already running or was shut down.
    case alreadyStarted

    /// A one-line explanation suitable for a log or a command-line error.
    public var description: String {
        switch self {
        case let .addressInUse(host, port):
            return "cannot listen on \(host):\(port): address already in use (is another lossd running?)"
        case let .permissionDenied(host, port):
            return "cannot listen on \(host):\(port): permission denied (ports below 1024 need privileges)"
        case let .invalidHost(host, reason):
            return "cannot listen on host '\(host)': \(reason)"
        case let .addressNotAvailable(host, port):
            return "cannot listen on \(host):\(port): address not available on this machine"
        case let .systemCall(call, errno, message):
            return "\(call) failed: \(message) (errno \(errno))"
        case .alreadyStarted:
            return "the server was already started"
        }
    }
}
