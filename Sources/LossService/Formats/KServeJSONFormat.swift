import HTTPServer
import LossCore
import TensorCodecs

/// The KServe v2 (Open Inference Protocol) JSON body of `POST /v2/models/{loss}/infer`: every
/// input's elements in JSON `data`, and an answer with every output's elements printed in
/// `data`. A request without `Inference-Header-Content-Length` is read by this format; the
/// answer is in it unless an output was asked for as binary (then ``KServeBinaryFormat``).
struct KServeJSONFormat: LossWireFormat {
    /// - Throws: ``ServiceError`` — 400 for a malformed document, 422 for an unusable one.
    func decode(_ request: HTTPRequest, loss: any Loss.Type) throws(ServiceError) -> LossCall {
        try KServeCallDecoder.decode(request.body, headerLength: nil, loss: loss)
    }

    /// `{"model_name", "model_version", "id"?, "outputs": [{"name", "datatype", "shape", "data"}]}`,
    /// floats printed shortest-round-trip straight into the body. Outputs' `binary` flags are
    /// ignored: this format has no binary section.
    func encode(_ evaluation: LossEvaluation) throws(ServiceError) -> HTTPResponse {
        let result = try evaluation.result()
        let call = evaluation.call
        let outputs = call.outputs.map { output -> KServeResponse.HeaderOutput in
            .inline(name: output.tensor.name, tensor: output.tensor == .loss ? result.loss : result.grad)
        }
        let body = KServeResponse.header(modelName: call.lossName, modelVersion: KServeModelMetadata.modelVersion,
                                         id: call.id, outputs: outputs)
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: body)
    }
}
