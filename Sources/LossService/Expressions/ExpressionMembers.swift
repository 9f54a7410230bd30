import LossCore
import TensorCodecs

/// The JSON members of an expression request beside the tensors: `"expression"` (a string) and
/// `"wrt"` (a list of tensor names), read into the call's parameters where every format puts them.
enum ExpressionMembers {
    /// Copies `expression` and `wrt` from `object` into `parameters`.
    /// - Throws: ``ServiceError`` 422 for a member of the wrong kind.
    static func read(_ object: JSONObject, into parameters: inout [String: ParameterValue]) throws(ServiceError) {
        if let value = object["expression"], !value.isNull {
            guard let text = value.stringValue else {
                throw ServiceError(.unprocessableContent, code: "invalid_expression",
                                   "'expression' must be a string, got \(value.kindName)", field: "expression")
            }
            parameters["expression"] = .string(text)
        }
        if let value = object["wrt"], !value.isNull {
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw ServiceError(.unprocessableContent, code: "invalid_parameter",
                                   "'wrt' must be a list of tensor names", field: "wrt")
            }
            parameters["wrt"] = .string(list.compactMap(\.stringValue).joined(separator: ","))
        }
    }
}
