import HTTPServer

/// KServe's negotiation on `POST /v2/models/{loss}/infer`: a request with
/// `Inference-Header-Content-Length` is binary (``KServeBinaryFormat``), one without is JSON
/// (``KServeJSONFormat``) — tritonclient sends no Content-Type to go by. The answer is binary
/// when any output the client asked for is, whichever way the request came.
struct KServeFormatNegotiation: WireFormatNegotiation {
    /// Never throws: a malformed header length is the binary decoder's 400.
    func choose(for request: HTTPRequest) throws(ServiceError) -> WireFormatChoice {
        let binaryRequest = request.headers["Inference-Header-Content-Length"] != nil
        let decoder: any LossWireFormat = binaryRequest ? KServeBinaryFormat() as any LossWireFormat : KServeJSONFormat()
        return WireFormatChoice(decoder: decoder, encoder: { call in
            call.outputs.contains(where: \.binary) ? KServeBinaryFormat() as any LossWireFormat : KServeJSONFormat()
        })
    }
}
