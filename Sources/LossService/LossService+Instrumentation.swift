import Foundation
import HTTPServer
import Logging

extension LossService {
    /// Answers one request: assigns its request id, matches its route, dispatches it, then logs
    /// one line and records metrics — labelled with the route table's match — when the response is ready.
    /// - Parameters:
    ///   - request: The parsed request.
    ///   - completion: Receives the response, from any thread.
    public func respond(to request: HTTPRequest, completion: @escaping @Sendable (HTTPResponse) -> Void) {
        let started = ContinuousClock.now
        let requestID = Self.requestID(from: request.headers["X-Request-Id"])
        let match = Self.routes.match(request.path, losses: library.snapshot)
        let route = match.template
        let loss = match.lossLabel
        // The log line needs these, not the request: the worker frees the body once decoded.
        let (method, path, bytesIn) = (request.method, request.path, request.body.count)
        metrics.requestStarted(bytes: bytesIn)
        activityCount.add(1, ordering: .relaxed)
        inFlightCount.add(1, ordering: .relaxed)
        let finish: @Sendable (HTTPResponse) -> Void = { [self] response in
            inFlightCount.subtract(1, ordering: .relaxed)
            activityCount.add(1, ordering: .relaxed)
            var response = response
            response.headers.set("X-Request-Id", requestID)
            let duration = ContinuousClock.now - started
            metrics.requestFinished(route: route, loss: loss ?? "", status: response.status.code,
                                    bytes: response.body.count, duration: duration)
            var metadata: Logger.Metadata = [
                "request_id": "\(requestID)", "method": "\(method)", "path": "\(path)", "route": "\(route)",
                "status": "\(response.status.code)", "bytes_in": "\(bytesIn)",
                "bytes_out": "\(response.body.count)", "duration_ms": "\(Self.milliseconds(duration))",
            ]
            if let loss { metadata["loss"] = "\(loss)" }
            if let timing = response.headers["Server-Timing"], let value = timing.split(separator: "=").last {
                metadata["compute_ms"] = "\(value)"
            }
            logger.info("request", metadata: metadata)
            completion(response)
        }
        dispatch(request, match: match, completion: finish)
    }

    /// The client's `X-Request-Id` when it is short printable ASCII, otherwise a new UUID.
    static func requestID(from header: String?) -> String {
        if let header, !header.isEmpty, header.utf8.count <= 128,
           header.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            return header
        }
        return RequestID.random()
    }

    /// `duration` in milliseconds with three decimals (`12.345`), as `String(format: "%.3f")`
    /// prints it, without Foundation's formatter (twice per request on the hot path).
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = (duration.nanosecondsClamped + 500) / 1000
        let (whole, fraction) = microseconds.quotientAndRemainder(dividingBy: 1000)
        let digits = String(abs(fraction))
        let sign = microseconds < 0 && whole == 0 ? "-" : ""
        return sign + String(whole) + "." + String(repeating: "0", count: 3 - digits.count) + digits
    }
}
