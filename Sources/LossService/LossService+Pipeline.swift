import HTTPServer
import LossCore

extension LossService {
    /// The one compute path of every compute route, `/v1` and `/v2` alike: the negotiation picks
    /// the formats from the headers, one format decodes the body into a ``LossCall``, the
    /// registry evaluates it and a format encodes the answer — binary formats with the kernel
    /// writing the gradient straight into the response body.
    ///
    /// Runs on a worker thread.
    /// - Throws: ``ServiceError``; the caller reports it in the route's dialect.
    func compute(_ loss: any Loss.Type, request: HTTPRequest, formats: any WireFormatNegotiation) throws(ServiceError) -> HTTPResponse {
        let choice = try formats.choose(for: request)
        let call = try choice.decoder.decode(request, loss: loss)
        return try choice.encoder(call).encode(LossEvaluation(registry: registry, call: call))
    }
}
