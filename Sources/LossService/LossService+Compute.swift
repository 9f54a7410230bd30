import Foundation
import HTTPServer
import LossCore
import TensorCodecs

extension LossService {
    /// Decodes a `POST /v1/losses/{name}` body (JSON or safetensors), evaluates the loss and
    /// encodes the answer in the format `Accept` chose.
    ///
    /// Runs on a worker thread.
    func compute(_ loss: any Loss.Type, request: HTTPRequest) throws -> HTTPResponse {
        let requestFormat = try ContentNegotiation.requestFormat(contentType: request.headers["Content-Type"])
        // Negotiate before decoding so a client that accepts nothing lossd offers learns it cheaply.
        let response = try ContentNegotiation.responseFormat(accept: request.headers["Accept"], preferred: requestFormat)
        let parameters: [String: ParameterValue]
        let inputs: LossInputs
        switch requestFormat {
        case .json:
            let decoded = try JSONLossRequest(body: request.body, query: request.query)
            (parameters, inputs) = (decoded.parameters, decoded.inputs)
        case .safetensors:
            let decoded = try SafetensorsLossRequest(body: request.body, query: request.query)
            (parameters, inputs) = (decoded.parameters, decoded.inputs)
        }
        let result: LossResult
        do {
            result = try registry.evaluate(loss, parameters: parameters, inputs: inputs)
        } catch {
            throw ServiceError(error)
        }
        let name = loss.descriptor.name
        switch response.format {
        case .json:
            return Self.json(JSONLossResponse.encode(result, name: name))
        case .safetensors:
            return HTTPResponse(status: .ok, headers: ["Content-Type": response.mediaType],
                                body: SafetensorsLossResponse.encode(result, name: name))
        }
    }
}
