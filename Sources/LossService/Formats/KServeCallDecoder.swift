import HTTPServer
import LossCore
import TensorCodecs

/// What the two KServe v2 formats share when reading `POST /v2/models/{loss}/infer`: the request
/// document becomes a ``LossCall`` the same way whether its tensors came as JSON or as binary data.
///
/// Inputs are named by their ``TensorRole``; request `parameters` other than the protocol's own
/// carry the loss parameters; the requested `outputs` (default: `loss`, `grad`) become the call's
/// outputs, half-precision ones always binary as Triton sends them. Content-Type is ignored:
/// tritonclient sends none.
enum KServeCallDecoder {
    /// Decodes the body; `headerLength` is the `Inference-Header-Content-Length`, or `nil` when
    /// the whole body is JSON.
    /// - Throws: ``ServiceError`` with `/v1` statuses; the route's ``ErrorDialect/triton`` maps them.
    static func decode(_ body: [UInt8], headerLength: Int?, loss: any Loss.Type) throws(ServiceError) -> LossCall {
        let decoded: KServeRequest
        do {
            decoded = try KServeRequest(decoding: body, headerLength: headerLength)
        } catch {
            throw serviceError(error)
        }
        for input in decoded.inputs where TensorRole(wireName: input.name) == nil {
            throw ServiceError(.unprocessableContent, code: "unknown_input",
                               "unexpected inference input '\(input.name.prefix(64))' for model '\(loss.descriptor.name)'; inputs are \(TensorRole.names.joined(separator: ", "))",
                               field: input.name)
        }
        let inputs = try LossInputs(byRole: { role in decoded[input: role.name] }, missing: { role in
            ServiceError(.unprocessableContent, code: "missing_tensor",
                         "expected input '\(role)' for model '\(loss.descriptor.name)'", field: role.name)
        })
        let parameters: [String: ParameterValue]
        do {
            parameters = try decoded.lossParameters()
        } catch {
            throw ServiceError(.unprocessableContent, code: "invalid_parameter", error.message, field: error.field)
        }
        let selection: [(name: String, binary: Bool)]
        do {
            selection = try decoded.outputSelection(available: ResultTensor.allCases.map(\.name))
        } catch {
            throw serviceError(error)
        }
        // Like Triton, half-precision tensors travel only as binary data; loss and gradient
        // take the input's dtype.
        let half = inputs.input.dtype == .float16 || inputs.input.dtype == .bfloat16
        let outputs = selection.compactMap { output in
            ResultTensor(rawValue: output.name).map { LossCall.Output(tensor: $0, binary: output.binary || half) }
        }
        return LossCall(loss: loss, parameters: parameters, inputs: inputs, outputs: outputs, id: decoded.id)
    }

    /// The `Inference-Header-Content-Length` value, or `nil` when absent.
    /// - Throws: ``ServiceError`` 400 when it is not a non-negative decimal integer.
    static func headerLength(_ headers: HTTPHeaders) throws(ServiceError) -> Int? {
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
