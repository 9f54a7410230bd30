@preconcurrency import Glibc
import Dispatch
import Synchronization

/// SIGTERM/SIGINT delivered on a dispatch queue instead of as asynchronous signals.
enum SignalHandling {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []
    private static let received = Atomic<Bool>(false)

    /// Calls `handler` on the first SIGTERM or SIGINT; a second one exits at once.
    /// - Parameter handler: Starts the graceful drain; receives the signal number.
    static func onTermination(_ handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "lossd.signals")
        for signalNumber in [SIGTERM, SIGINT] {
            // Ignore the default action so the dispatch source alone sees the signal.
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler {
                if received.exchange(true, ordering: .relaxed) {
                    exit(128 + signalNumber)
                }
                handler(signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }
}
