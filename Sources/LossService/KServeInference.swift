import HTTPServer
import LossCore
import TensorCodecs

extension LossService {
    /// Tensor names an inference request may carry, mapped onto ``LossInputs``.
    static let kserveInputNames = ["input", "target", "weight", "var", "grad_output"]

    /// `POST /v2/models/{loss}/infer`: decodes the KServe request (JSON, or JSON plus binary
    /// tensors after `Inference-Header-Content-Length` bytes), evaluates the loss and answers
    /// with the requested outputs.
    ///
    /// Runs on a worker thread. Content-Type is ignored: tritonclient sends none.
    /// - Throws: ``ServiceError`` with `/v1` statuses; the caller applies Triton's mapping.
    func infer(_ loss: any Loss.Type, request: HTTPRequest) throws -> HTTPResponse {
        let headerLength = try Self.inferenceHeaderLength(request.headers)
        let decoded: KServeRequest
        do {
            decoded = try KServeRequest(decoding: request.body, headerLength: headerLength)
        } catch {
            throw Self.serviceError(error)
        }
        for input in decoded.inputs where !Self.kserveInputNames.contains(input.name) {
            throw ServiceError(.unprocessableContent, code: "unknown_input",
                               "unexpected inference input '\(input.name.prefix(64))' for model '\(loss.descriptor.name)'; inputs are \(Self.kserveInputNames.joined(separator: ", "))",
                               field: input.name)
        }
        func required(_ name: String) throws -> Tensor {
            guard let tensor = decoded[input: name] else {
                throw ServiceError(.unprocessableContent, code: "missing_tensor",
                                   "expected input '\(name)' for model '\(loss.descriptor.name)'", field: name)
            }
            return tensor
        }
        let inputs = LossInputs(input: try required("input"), target: try required("target"),
                                weight: decoded[input: "weight"], variance: decoded[input: "var"],
                                gradOutput: decoded[input: "grad_output"])
        let parameters: [String: ParameterValue]
        let selection: [(name: String, binary: Bool)]
        do {
            parameters = try decoded.lossParameters()
        } catch {
            throw ServiceError(.unprocessableContent, code: "invalid_parameter", error.message, field: error.field)
        }
        do {
            selection = try decoded.outputSelection(available: KServeModelMetadata.outputNames)
        } catch {
            throw Self.serviceError(error)
        }
        let result: LossResult
        do {
            result = try registry.evaluate(loss, parameters: parameters, inputs: inputs)
        } catch {
            throw ServiceError(error)
        }
        let outputs = selection.map { output -> KServeResponse.Output in
            let tensor = output.name == "loss" ? result.loss : result.grad
            // Like Triton, half-precision tensors travel only as binary data.
            let binary = output.binary || tensor.dtype == .float16 || tensor.dtype == .bfloat16
            return KServeResponse.Output(name: output.name, tensor: tensor, binary: binary)
        }
        let encoded = KServeResponse(modelName: loss.descriptor.name, modelVersion: KServeModelMetadata.modelVersion,
                                     id: decoded.id, outputs: outputs).encoded()
        guard let jsonLength = encoded.headerLength else {
            return Self.json(encoded.body)
        }
        return HTTPResponse(status: .ok,
                            headers: ["Content-Type": "application/octet-stream",
                                      "Inference-Header-Content-Length": String(jsonLength)],
                            body: encoded.body)
    }

    /// The `Inference-Header-Content-Length` value, or `nil` when absent.
    /// - Throws: ``ServiceError`` 400 when it is not a non-negative decimal integer.
    static func inferenceHeaderLength(_ headers: HTTPHeaders) throws -> Int? {
        guard let text = headers["Inference-Header-Content-Length"] else { return nil }
        let trimmed = text.trimmingHTTPWhitespaceForService()
        guard !trimmed.isEmpty, trimmed.utf8.count <= 18, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
              let length = Int(trimmed) else {
            throw ServiceError(.badRequest, code: "invalid_header",
                               "Inference-Header-Content-Length must be a non-negative integer, got '\(text.prefix(32))'",
                               field: "Inference-Header-Content-Length")
        }
        return length
    }

    /// 400 for a malformed body, 422 for a well-formed but unusable one.
    static func serviceError(_ error: KServeError) -> ServiceError {
        ServiceError(error.isMalformed ? .badRequest : .unprocessableContent,
                     code: "kserve_" + error.kind.rawValue, error.description, field: error.field)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmingHTTPWhitespaceForService() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
