import HTTPServer
import LossCore
import Synchronization

extension LossService {
    /// The one compute path of every compute route, `/v1` and `/v2` alike: the negotiation picks
    /// the formats from the headers, one format decodes the body into a ``LossCall``, the
    /// registry evaluates it and a format encodes the answer — binary formats with the kernel
    /// writing the gradient straight into the response body.
    ///
    /// Runs on a worker thread. Takes the request so that its body — dead once decoded, the
    /// tensors own their bytes — is freed before the gradient is allocated: at the peak a large
    /// request holds its payload once, not twice.
    /// - Throws: ``ServiceError``; the caller reports it in the route's dialect.
    func compute(_ loss: ServedLoss, request: consuming HTTPRequest,
                 formats: any WireFormatNegotiation) throws(ServiceError) -> HTTPResponse {
        let choice = try formats.choose(for: request)
        var call = try choice.decoder.decode(request, loss: loss.decoderType)
        call.definition = loss.definition
        request.body = []
        return try choice.encoder(call).encode(LossEvaluation(registry: registry, call: call, expressionLimits: expressionLimits))
    }
}

/// Hands a request from the connection's queue to the one worker that computes it. The worker
/// takes it out, so the job's closure does not keep the body alive after it is decoded.
final class RequestHandoff: Sendable {
    private let slot: Mutex<HTTPRequest?>

    init(_ request: HTTPRequest) { slot = Mutex(request) }

    /// The request; an empty one if it was already taken.
    func take() -> HTTPRequest {
        slot.withLock { $0.take() } ?? HTTPRequest(method: "", target: "/")
    }
}
