import HTTPServer
import LossCore
import TensorCodecs

/// The JSON body of `POST /v1/losses/{name}`, decoded into tensors and raw parameters.
///
/// ```json
/// {"input": ..., "target": ..., "weight": ..., "var": ..., "grad_output": ..., "params": {...}}
/// ```
struct JSONLossRequest {
    /// Top-level members a request may carry.
    static let members = ["input", "target", "weight", "var", "grad_output", "params"]

    var inputs: LossInputs
    var parameters: [String: ParameterValue]

    /// Parses and decodes a body; query-string parameters are merged under `params`.
    /// - Throws: ``ServiceError`` — 400 for malformed JSON, 422 for unusable members.
    init(body: [UInt8], query: String?) throws {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw ServiceError(.badRequest, code: "malformed_json", "malformed JSON: \(error)")
        }
        guard let object = document.objectValue else {
            throw ServiceError(.unprocessableContent, code: "invalid_body",
                               "the body must be a JSON object with 'input' and 'target', got \(document.kindName)")
        }
        for (key, _) in object where !Self.members.contains(key) {
            throw ServiceError(.unprocessableContent, code: "unknown_member",
                               "unknown member '\(key)'; a request has \(Self.members.joined(separator: ", "))",
                               field: key)
        }
        func tensor(_ name: String, inferDType: Bool) throws -> Tensor? {
            guard let value = object[name], !value.isNull else { return nil }
            do {
                return try JSONTensorDecoder.decode(value, field: name, dtypeDefault: inferDType ? .inferred : .float32)
            } catch {
                throw ServiceError(.unprocessableContent, code: "invalid_tensor", error.message, field: name)
            }
        }
        guard let input = try tensor("input", inferDType: false) else {
            throw ServiceError(.unprocessableContent, code: "missing_tensor", "the request has no 'input' tensor", field: "input")
        }
        guard let target = try tensor("target", inferDType: true) else {
            throw ServiceError(.unprocessableContent, code: "missing_tensor", "the request has no 'target' tensor", field: "target")
        }
        inputs = LossInputs(input: input, target: target,
                            weight: try tensor("weight", inferDType: false),
                            variance: try tensor("var", inferDType: false),
                            gradOutput: try tensor("grad_output", inferDType: false))
        parameters = try QueryParameters.parse(query)
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
    }
}
