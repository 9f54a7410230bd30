import Foundation
import Synchronization
import Testing
@testable import LossService

@Suite struct WorkerPoolTests {
    @Test("a full queue refuses new jobs instead of growing")
    func fullQueueRefuses() {
        let pool = WorkerPool(configuration: .init(workers: 1, queueDepth: 2))
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        #expect(pool.submit { started.signal(); gate.wait() })
        started.wait()
        #expect(pool.submit {})
        #expect(pool.submit {})
        #expect(!pool.submit {}, "third queued job must be refused with depth 2")
        gate.signal()
        pool.stop()
    }

    @Test("every accepted job runs exactly once")
    func jobsRunOnce() {
        let pool = WorkerPool(configuration: .init(workers: 3, queueDepth: 1000))
        let counter = Mutex(0)
        let group = DispatchGroup()
        for _ in 0..<500 {
            group.enter()
            #expect(pool.submit { counter.withLock { $0 += 1 }; group.leave() })
        }
        group.wait()
        #expect(counter.withLock { $0 } == 500)
        pool.stop()
    }

    @Test("a full worker queue answers 503 with Retry-After, then serves again")
    func overloadIs503() async throws {
        let live = try LiveService(workers: .init(workers: 1, queueDepth: 1))
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        // Occupy the only worker and the only queue slot.
        #expect(live.service.pool.submit { started.signal(); gate.wait() })
        started.wait()
        #expect(live.service.pool.submit {})
        let rejected = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0], "target": [0.0]}"#)
        #expect(rejected.status == 503)
        #expect(rejected.headers["retry-after"] != nil)
        #expect(rejected.json["code"] as? String == "overloaded")
        gate.signal()
        // Let the pool drain the blocking job and the queued one before asking again.
        for _ in 0..<500 where live.service.pool.queueDepth + live.service.pool.running > 0 { usleep(10_000) }
        let served = try await live.send("POST", "/v1/losses/mse", body: #"{"input": [1.0], "target": [0.0]}"#)
        #expect(served.status == 200)
    }
}
