import Dispatch
import HTTPServer
import LossCore
import Synchronization
@testable import LossService

extension LossService {
    /// Answers `request` without a socket (routing, pipeline and error rendering as a live
    /// server runs them), waiting for the worker pool when the route computes.
    func respondNow(_ request: HTTPRequest) -> HTTPResponse {
        let reply = Mutex<HTTPResponse?>(nil)
        let done = DispatchSemaphore(value: 0)
        respond(to: request) { response in
            reply.withLock { $0 = response }
            done.signal()
        }
        done.wait()
        return reply.withLock { $0 ?? HTTPResponse(status: .internalServerError) }
    }
}

/// A squared-error loss that records where the registry asked it to write each gradient, so a
/// test can tell whether the kernel wrote into the response body. With `reduction: none` its loss
/// is flat (`[count]`) whatever the input's shape, so a multi-dimensional input makes the
/// encoder's guess of the loss shape wrong on purpose.
struct GradientSpyLoss: Loss {
    static let descriptor = LossDescriptor(
        name: "spy", summary: "Squared error that records its gradient buffers.", formula: "(x − t)²",
        inputs: [.input(), .init("target", dtypes: LossDescriptor.Input.floatDTypes, "Same shape as input.")],
        parameters: [.reduction()])

    /// Start addresses of the gradient buffers written, most recent last.
    static let addresses = Mutex<[Int]>([])

    let reduction: Reduction

    init(parameters: Parameters) throws(LossError) { reduction = parameters.reduction }

    func compute(_ batch: LossBatch<Float>) throws(LossError) -> LossOutput<Float> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    func compute(_ batch: LossBatch<Double>) throws(LossError) -> LossOutput<Double> {
        try LossOutput.filling(count: batch.input.count) { (gradient) throws(LossError) in try compute(batch, gradient: gradient) }
    }

    func compute(_ batch: LossBatch<Float>, gradient: UnsafeMutableBufferPointer<Float>) throws(LossError) -> LossValue<Float> {
        run(batch, gradient)
    }

    func compute(_ batch: LossBatch<Double>, gradient: UnsafeMutableBufferPointer<Double>) throws(LossError) -> LossValue<Double> {
        run(batch, gradient)
    }

    private func run<T: LossFloat>(_ batch: LossBatch<T>, _ gradient: UnsafeMutableBufferPointer<T>) -> LossValue<T> {
        Self.addresses.withLock { $0.append(Int(bitPattern: gradient.baseAddress)) }
        let target: [T] = batch.target.values()
        var losses = [T]()
        var sum = 0.0
        for i in batch.input.indices {
            let difference = batch.input[i] - target[i]
            losses.append(difference * difference)
            sum += Double(difference * difference)
            gradient[i] = reduction == .mean ? 2 * difference / T(batch.input.count) : 2 * difference
        }
        switch reduction {
        case .none: return LossValue(loss: losses, lossShape: [losses.count])
        case .sum: return LossValue(scalar: sum)
        default: return LossValue(scalar: sum / Double(batch.input.count))
        }
    }

    /// Whether the most recent gradient was written inside `body`.
    static func lastGradientWasWritten(into body: [UInt8]) -> Bool {
        guard let address = addresses.withLock({ $0.last }) else { return false }
        return body.withUnsafeBytes { raw in
            let start = Int(bitPattern: raw.baseAddress)
            return address >= start && address < start + raw.count
        }
    }
}
