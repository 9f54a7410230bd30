import Foundation
import HTTPServer
import LossCore
import TensorCodecs

extension LossService {
    /// Decodes a `POST /v1/losses/{name}` body, evaluates the loss, encodes the answer.
    ///
    /// Runs on a worker thread.
    func compute(_ loss: any Loss.Type, request: HTTPRequest) throws -> HTTPResponse {
        try checkContentType(request)
        let decoded = try JSONLossRequest(body: request.body, query: request.query)
        let result: LossResult
        do {
            result = try registry.evaluate(loss, parameters: decoded.parameters, inputs: decoded.inputs)
        } catch {
            throw ServiceError(error)
        }
        let body = JSONLossResponse.encode(result, name: loss.descriptor.name)
        return Self.json(body)
    }

    private func checkContentType(_ request: HTTPRequest) throws {
        guard let contentType = request.headers["Content-Type"] else { return }
        let mediaType = contentType.split(separator: ";").first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        // curl -d sends application/x-www-form-urlencoded unless told otherwise; the body is still JSON.
        let accepted = ["application/json", "application/x-www-form-urlencoded", "text/json", "*/*", ""]
        guard accepted.contains(mediaType) || mediaType.hasSuffix("+json") else {
            throw ServiceError(.unsupportedMediaType, code: "unsupported_media_type",
                               "Content-Type \(contentType) is not supported; send application/json",
                               field: "Content-Type", headers: ["Accept": "application/json"])
        }
    }
}
