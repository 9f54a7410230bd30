import LossCore
import TensorCodecs

/// A safetensors body of `POST /v1/losses/{name}`, decoded into tensors and raw parameters.
///
/// Tensors are named `input`, `target` and optionally `weight`, `var`, `grad_output`.
/// Loss parameters come from the query string and from `__metadata__`, whose string values
/// are read as JSON scalars (`"0.5"`, `"true"`, `"[1, 2]"`) or else as plain strings
/// (`mean`); metadata wins over the query string, as `params` does for JSON.
struct SafetensorsLossRequest {
    /// Tensor names a request may carry.
    static let tensorNames = ["input", "target", "weight", "var", "grad_output"]
    /// Metadata keys written by common tools that are not loss parameters
    /// (`safetensors.torch.save_model` writes `format: pt`).
    static let ignoredMetadataKeys: Set<String> = ["format"]

    var inputs: LossInputs
    var parameters: [String: ParameterValue]

    /// Validates and decodes a body.
    /// - Throws: ``ServiceError`` — 400 with the codec's message for a malformed file, 422
    ///   for a well-formed file lossd cannot use (unknown or missing tensor, bad parameter).
    init(body: [UInt8], query: String?) throws {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(decoding: body)
        } catch {
            throw ServiceError(.badRequest, code: "malformed_safetensors", error.description, field: error.tensorName)
        }
        for name in file.names where !Self.tensorNames.contains(name) {
            throw ServiceError(.unprocessableContent, code: "unknown_member",
                               "unknown tensor '\(name.prefix(64))'; a request has \(Self.tensorNames.joined(separator: ", "))",
                               field: name)
        }
        guard let input = file["input"] else {
            throw ServiceError(.unprocessableContent, code: "missing_tensor", "the safetensors file has no 'input' tensor", field: "input")
        }
        guard let target = file["target"] else {
            throw ServiceError(.unprocessableContent, code: "missing_tensor", "the safetensors file has no 'target' tensor", field: "target")
        }
        inputs = LossInputs(input: input, target: target, weight: file["weight"],
                            variance: file["var"], gradOutput: file["grad_output"])
        parameters = try QueryParameters.parse(query)
        for (name, text) in file.metadata where !Self.ignoredMetadataKeys.contains(name) {
            do {
                parameters[name] = try ParameterValue(text: text, name: name)
            } catch {
                throw ServiceError(.unprocessableContent, code: "invalid_parameter", error.message, field: name)
            }
        }
    }
}

/// The safetensors answer of `POST /v1/losses/{name}`: tensors `loss` (shape `[]` when
/// reduced, else the unreduced shape) and `grad` (shaped and typed as `input`), and
/// `__metadata__` `{"name": "<canonical loss name>"}`.
enum SafetensorsLossResponse {
    /// Encodes a result.
    static func encode(_ result: LossResult, name: String) -> [UInt8] {
        SafetensorsFile(entries: [.init(name: "loss", tensor: result.loss), .init(name: "grad", tensor: result.grad)],
                        metadata: ["name": name]).encoded()
    }
}
