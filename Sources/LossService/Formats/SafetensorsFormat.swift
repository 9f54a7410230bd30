import HTTPServer
import LossCore
import TensorCodecs

/// A safetensors body of `POST /v1/losses/{name}`, both ways.
///
/// Request: tensors named by their role (`input`, `target`, optionally `weight`, `var`,
/// `grad_output`); loss parameters from the query string and from `__metadata__`, whose string
/// values are read as JSON scalars (`"0.5"`, `"true"`, `"[1, 2]"`) or else as plain strings
/// (`mean`); metadata wins over the query string, as `params` does for JSON.
///
/// Response: tensors `loss` (shape `[]` when reduced, else the unreduced shape) and `grad`
/// (shaped and typed as `input`), and `__metadata__` `{"name": "<canonical loss name>"}`. The
/// body is allocated once at its final size and the kernel writes the gradient into it.
struct SafetensorsFormat: LossWireFormat {
    /// Metadata keys written by common tools that are not loss parameters
    /// (`safetensors.torch.save_model` writes `format: pt`).
    static let ignoredMetadataKeys: Set<String> = ["format"]

    /// The `Content-Type` of responses: `application/vnd.safetensors`, or
    /// `application/octet-stream` when that is what the client asked for by name.
    var mediaType = "application/vnd.safetensors"

    /// Decodes the file; each tensor's bytes are copied once, into its storage.
    /// - Throws: ``ServiceError`` — 400 with the codec's message for a malformed file, 422
    ///   for a well-formed file lossd cannot use (unknown or missing tensor, bad parameter).
    func decode(_ request: HTTPRequest, loss: any Loss.Type) throws(ServiceError) -> LossCall {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(decoding: request.body)
        } catch {
            throw ServiceError(.badRequest, code: "malformed_safetensors", error.description, field: error.tensorName)
        }
        for entry in file.entries where TensorRole(wireName: entry.name) == nil {
            throw ServiceError(.unprocessableContent, code: "unknown_member",
                               "unknown tensor '\(entry.name.prefix(64))'; a request has \(TensorRole.names.joined(separator: ", "))",
                               field: entry.name)
        }
        let inputs = try LossInputs(byRole: { role in file[role.name] }, missing: { role in
            ServiceError(.unprocessableContent, code: "missing_tensor", "the safetensors file has no '\(role)' tensor", field: role.name)
        })
        var parameters = QueryParameters.parse(request.query)
        for (name, text) in file.metadata where !Self.ignoredMetadataKeys.contains(name) {
            do {
                parameters[name] = try ParameterValue(text: text, name: name)
            } catch {
                throw ServiceError(.unprocessableContent, code: "invalid_parameter", error.message, field: name)
            }
        }
        return LossCall(loss: loss, parameters: parameters, inputs: inputs)
    }

    /// Lays the file out for the loss shape the parameters imply, lets the kernel write the
    /// gradient into its place, then writes the header and the loss in front of it. Should the
    /// loss come out another shape, the file is laid out again around the gradient (one copy).
    func encode(_ evaluation: LossEvaluation) throws(ServiceError) -> HTTPResponse {
        let headers: HTTPHeaders = ["Content-Type": mediaType]
        let metadata = ["name": evaluation.call.lossName]
        guard evaluation.canWriteGradientInPlace else {
            let result = try evaluation.result()
            let file = SafetensorsFile(entries: [.init(name: ResultTensor.loss.name, tensor: result.loss),
                                                 .init(name: ResultTensor.grad.name, tensor: result.grad)], metadata: metadata)
            return HTTPResponse(status: .ok, headers: headers, body: file.encoded())
        }
        let dtype = evaluation.gradientDType
        func prefix(lossShape: [Int]) -> [UInt8] {
            SafetensorsFile.encodedPrefix([(ResultTensor.loss.name, dtype, lossShape),
                                           (ResultTensor.grad.name, dtype, evaluation.gradientShape)], metadata: metadata)
        }
        let expectedShape = evaluation.expectedLossShape
        let expectedPrefix = prefix(lossShape: expectedShape)
        let lossBytes = (Tensor.elementCount(of: expectedShape) ?? 0) * dtype.itemSize
        let gradientOffset = expectedPrefix.count + lossBytes
        var (body, loss) = try ResponseBody.withGradient(size: gradientOffset + evaluation.gradientByteCount,
                                                         gradientOffset: gradientOffset, evaluation)
        guard loss.shape == expectedShape else {
            let actualPrefix = prefix(lossShape: loss.shape)
            let joined = body.withUnsafeBytes { bytes in
                actualPrefix.withUnsafeBytes { prefixBytes in
                    loss.withUnsafeBytes { lossBytes in
                        ResponseBody.joined([prefixBytes, lossBytes, UnsafeRawBufferPointer(rebasing: bytes[gradientOffset...])])
                    }
                }
            }
            return HTTPResponse(status: .ok, headers: headers, body: joined)
        }
        expectedPrefix.withUnsafeBytes { ResponseBody.write($0, into: &body, at: 0) }
        loss.withUnsafeBytes { ResponseBody.write($0, into: &body, at: expectedPrefix.count) }
        return HTTPResponse(status: .ok, headers: headers, body: body)
    }
}
