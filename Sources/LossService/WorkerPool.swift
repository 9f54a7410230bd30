import Foundation
import Synchronization

/// A fixed set of threads that run compute jobs from a bounded queue.
///
/// Loss kernels never run on a connection's I/O queue: the service submits them here.
/// When the queue is full ``submit(_:)`` refuses the job instead of letting memory grow,
/// and the service answers 503 with `Retry-After`.
public final class WorkerPool: Sendable {
    /// Sizing of the pool.
    public struct Configuration: Sendable {
        /// Worker threads. Default: the number of active cores.
        public var workers: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Jobs that may wait for a worker before new ones are refused. Default: 64.
        public var queueDepth: Int = 64

        /// Creates a configuration.
        public init(workers: Int = ProcessInfo.processInfo.activeProcessorCount, queueDepth: Int = 64) {
            self.workers = workers
            self.queueDepth = queueDepth
        }
    }

    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var running = 0
        var stopped = false
        var pending: Int { jobs.count - head }
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)
    private let configuration: Configuration

    /// Starts the worker threads.
    /// - Parameter configuration: Thread count and queue bound (both at least 1).
    public init(configuration: Configuration = Configuration()) {
        self.configuration = Configuration(workers: max(1, configuration.workers),
                                           queueDepth: max(1, configuration.queueDepth))
        for index in 0..<self.configuration.workers {
            let thread = Thread { [self] in self.work() }
            thread.name = "lossd-worker-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// Jobs waiting for a worker.
    public var queueDepth: Int { state.withLock { $0.pending } }

    /// Jobs currently running.
    public var running: Int { state.withLock { $0.running } }

    /// Queues a job.
    /// - Parameter job: Work to run on a worker thread.
    /// - Returns: `false` when the queue is full or the pool stopped; the job was not queued.
    @discardableResult
    public func submit(_ job: @escaping @Sendable () -> Void) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard !state.stopped, state.pending < configuration.queueDepth else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { available.signal() }
        return accepted
    }

    /// Lets queued jobs finish, then ends the threads.
    public func stop() {
        state.withLock { $0.stopped = true }
        for _ in 0..<configuration.workers { available.signal() }
    }

    private func work() {
        while true {
            available.wait()
            let job = state.withLock { state -> (@Sendable () -> Void)? in
                guard state.head < state.jobs.count else { return nil }
                let job = state.jobs[state.head]
                state.head += 1
                if state.head > 64, state.head * 2 > state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                state.running += 1
                return job
            }
            guard let job else {
                if state.withLock({ $0.stopped }) { return }
                continue
            }
            job()
            state.withLock { $0.running -= 1 }
        }
    }
}
