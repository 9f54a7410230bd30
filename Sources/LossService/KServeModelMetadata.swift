import LossCore
import TensorCodecs

/// The metadata documents of the KServe v2 protocol, as Triton renders them.
///
/// Every loss is a model with the single version `"1"`; its inputs are the loss's tensors
/// and its outputs are `loss` and `grad`.
enum KServeModelMetadata {
    /// The server name reported by `GET /v2`.
    static let serverName = "lossd"
    /// The server version reported by `GET /v2`.
    static let serverVersion = "1.0.0"
    /// The only model version; `/versions/{v}` routes accept nothing else.
    static let modelVersion = "1"
    /// The `platform` of every model.
    static let platform = "lossd"
    /// Protocol extensions lossd implements (names as Triton spells them).
    static let extensions = ["binary_tensor_data", "parameters"]
    /// The outputs every model produces, in default order.
    static let outputNames = ResultTensor.allCases.map(\.name)

    /// `GET /v2`: `{"name", "version", "extensions"}`.
    static func server() -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("name"); writer.string(serverName)
        writer.key("version"); writer.string(serverVersion)
        writer.key("extensions")
        writer.beginArray()
        for name in extensions { writer.string(name) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// `GET /v2/models/{name}`: `{"name", "versions", "platform", "inputs", "outputs"}`.
    ///
    /// Each tensor has Triton's single `datatype` (the first the loss accepts) and `shape`
    /// `[-1]` (any rank, any size); lossd adds `datatypes` (all accepted) and `optional`.
    static func model(_ descriptor: LossDescriptor) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 1024)
        writer.beginObject()
        writer.key("name"); writer.string(descriptor.name)
        writer.key("versions")
        writer.beginArray(); writer.string(modelVersion); writer.endArray()
        writer.key("platform"); writer.string(platform)
        writer.key("inputs")
        writer.beginArray()
        for input in inputs(of: descriptor) {
            tensor(name: input.name, dtypes: input.dtypes, optional: !input.required, into: &writer)
        }
        writer.endArray()
        writer.key("outputs")
        writer.beginArray()
        let inputDTypes = descriptor.inputs.first { $0.name == "input" }?.dtypes ?? LossDescriptor.Input.floatDTypes
        for name in outputNames {
            tensor(name: name, dtypes: inputDTypes, optional: nil, into: &writer)
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// The loss's inputs plus `grad_output`, which every loss accepts.
    static func inputs(of descriptor: LossDescriptor) -> [LossDescriptor.Input] {
        var inputs = descriptor.inputs
        if !inputs.contains(where: { $0.name == "grad_output" }) {
            inputs.append(.init("grad_output", dtypes: LossDescriptor.Input.floatDTypes, required: false,
                                "Upstream gradient: a scalar, or shaped like the unreduced loss."))
        }
        return inputs
    }

    private static func tensor(name: String, dtypes: [DType], optional: Bool?, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name"); writer.string(name)
        writer.key("datatype"); writer.string(dtypes.first?.kserveDatatype ?? "FP32")
        writer.key("shape"); writer.integers([-1])
        writer.key("datatypes")
        writer.beginArray()
        for dtype in dtypes { writer.string(dtype.kserveDatatype) }
        writer.endArray()
        if let optional { writer.key("optional"); writer.bool(optional) }
        writer.endObject()
    }
}
