import HTTPServer
import LossCore
import TensorCodecs

/// The JSON body of `POST /v1/losses/{name}` (DESIGN.md §2), both ways.
///
/// Request: `{"input": …, "target": …, "weight": …, "var": …, "grad_output": …, "params": {…}}`,
/// query-string parameters merged under `params`. Tensor members parse straight from the bytes
/// into their storage (``JSONTensorDocument``): float arrays into `[Float]`, masks into their dtype.
///
/// Response: `{"name": "dice", "loss": 0.43, "grad": {"shape": […], "dtype": "float32", "data": […]}}`;
/// a reduced loss is a JSON number, an unreduced one a tensor object.
struct JSONFormat: LossWireFormat {
    /// Top-level members a request may carry: the tensor roles, then `params`.
    static let members = TensorRole.names + ["params", "expression", "wrt"]
    /// The dtype each tensor member takes when it names none: targets are inferred like
    /// `torch.tensor` (booleans → bool, integers → int64), everything else is float32.
    static let tensorFields: [String: DTypeDefault] = Dictionary(uniqueKeysWithValues: TensorRole.all.map {
        ($0.name, $0 == .target ? DTypeDefault.inferred : .float32)
    })

    /// - Throws: ``ServiceError`` — 400 for malformed JSON, 422 for unusable members.
    func decode(_ request: HTTPRequest, loss: any Loss.Type) throws(ServiceError) -> LossCall {
        let document: JSONTensorDocument
        do {
            document = try JSONTensorDocument(parsing: request.body, tensorFields: Self.tensorFields)
        } catch {
            throw ServiceError(.badRequest, code: "malformed_json", "malformed JSON: \(error)")
        }
        guard let object = document.root.objectValue else {
            throw ServiceError(.unprocessableContent, code: "invalid_body",
                               "the body must be a JSON object with 'input' and 'target', got \(document.root.kindName)")
        }
        for (key, _) in object where !Self.members.contains(key) {
            throw ServiceError(.unprocessableContent, code: "unknown_member",
                               "unknown member '\(key)'; a request has \(Self.members.joined(separator: ", "))",
                               field: key)
        }
        let inputs = try LossInputs(byRole: { (role) throws(ServiceError) -> Tensor? in
            do throws(TensorDecodingError) {
                return try document.tensor(role.name)
            } catch {
                throw ServiceError(.unprocessableContent, code: "invalid_tensor", error.message, field: role.name)
            }
        }, missing: { role in
            ServiceError(.unprocessableContent, code: "missing_tensor", "the request has no '\(role)' tensor", field: role.name)
        })
        var parameters = QueryParameters.parse(request.query)
        if let params = object["params"], !params.isNull {
            guard let members = params.objectValue else {
                throw ServiceError(.unprocessableContent, code: "invalid_parameter",
                                   "'params' must be an object, got \(params.kindName)", field: "params")
            }
            for (name, value) in members {
                do {
                    parameters[name] = try ParameterValue(json: value, name: name)
                } catch {
                    throw ServiceError(.unprocessableContent, code: "invalid_parameter", error.message, field: name)
                }
            }
        }
        try ExpressionMembers.read(object, into: &parameters)
        return LossCall(loss: loss, parameters: parameters, inputs: inputs)
    }

    /// Prints the result; floats go shortest-round-trip straight into the body's byte buffer.
    func encode(_ evaluation: LossEvaluation) throws(ServiceError) -> HTTPResponse {
        let result = try evaluation.result()
        // Roughly 12 bytes per printed float32 keeps the buffer from regrowing.
        var writer = JSONWriter(reservingCapacity: 64 + 14 * (result.grad.count + result.loss.count))
        writer.beginObject()
        writer.key("name")
        writer.string(evaluation.call.lossName)
        writer.key("loss")
        if result.loss.shape.isEmpty {
            Self.scalar(result.loss, into: &writer)
        } else {
            writer.tensor(result.loss)
        }
        writer.key("grad")
        writer.tensor(result.grad)
        writer.endObject()
        return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: writer.bytes)
    }

    /// A rank-0 tensor as a bare number, printed at its own precision.
    private static func scalar(_ tensor: Tensor, into writer: inout JSONWriter) {
        switch tensor.storage {
        case .float32(let values): writer.number(values[0])
        case .float64(let values): writer.number(values[0])
        default:
            let values: [Float] = tensor.values()
            writer.number(values[0])
        }
    }
}
