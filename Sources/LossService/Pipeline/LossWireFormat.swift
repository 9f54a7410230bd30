import HTTPServer
import LossCore

/// A body format of the compute routes: decodes a request into one ``LossCall`` and encodes the
/// result of evaluating it.
///
/// Every compute route runs the same three steps (``LossService/compute(_:request:formats:)``):
/// its ``WireFormatNegotiation`` picks the formats, one format decodes, the registry evaluates on
/// a worker, one format encodes. A new format is one file conforming to this protocol plus its
/// entry in a negotiation; nothing else in the service names it.
///
/// Both methods run on a worker thread and report refusals as ``ServiceError`` values carrying
/// their status; the route's ``ErrorDialect`` adjusts statuses afterwards, in one place.
protocol LossWireFormat: Sendable {
    /// Decodes the request body (and, where the format says so, its query string and headers).
    /// - Parameters:
    ///   - request: The whole request, body already de-chunked and inflated.
    ///   - loss: The loss the route resolved.
    /// - Throws: ``ServiceError`` — 400 for a malformed body, 422 for a well-formed but unusable one.
    func decode(_ request: HTTPRequest, loss: any Loss.Type) throws(ServiceError) -> LossCall

    /// Evaluates the call and encodes its result as the response.
    ///
    /// Binary formats lay the body out first and let the kernel write the gradient into it
    /// (``LossEvaluation/loss(writingGradientInto:)``); text formats print ``LossEvaluation/result()``.
    /// - Throws: ``ServiceError`` from the evaluation (422 for unusable parameters or tensors).
    func encode(_ evaluation: LossEvaluation) throws(ServiceError) -> HTTPResponse
}

/// The formats one request is read and answered in.
struct WireFormatChoice: Sendable {
    /// Reads the request.
    var decoder: any LossWireFormat
    /// Picks the format of the answer, which may depend on what the client asked for in the body
    /// (KServe's per-output `binary_data`); `/v1` decides it from `Accept` before decoding.
    var encoder: @Sendable (LossCall) -> any LossWireFormat
}

/// How a family of compute routes picks its wire formats from a request's headers.
protocol WireFormatNegotiation: Sendable {
    /// Chooses the formats before the body is read, so a request lossd cannot answer (415, 406)
    /// is refused without decoding it.
    /// - Throws: ``ServiceError`` for headers no format accepts.
    func choose(for request: HTTPRequest) throws(ServiceError) -> WireFormatChoice
}
