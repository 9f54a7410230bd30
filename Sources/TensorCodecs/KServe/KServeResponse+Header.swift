import LossCore

extension KServeResponse {
    /// What the JSON header says about one output. A binary output needs only its datatype and
    /// shape, so an encoder can lay out a response before the output's elements exist.
    public enum HeaderOutput: Sendable, Equatable {
        /// Sent after the header (binary data extension): `"parameters": {"binary_data_size": n}`.
        case binary(name: String, dtype: DType, shape: [Int])
        /// Printed in the header as JSON `data`.
        case inline(name: String, tensor: Tensor)

        /// The output's name.
        public var name: String {
            switch self {
            case .binary(let name, _, _), .inline(let name, _): name
            }
        }

        /// The bytes this output occupies after the header: 0 when it is inline.
        public var binaryByteCount: Int {
            guard case .binary(_, let dtype, let shape) = self else { return 0 }
            return (Tensor.elementCount(of: shape) ?? 0) * dtype.itemSize
        }
    }

    /// The JSON header of a response: `{"model_name", "model_version"?, "id"?, "outputs":
    /// [{"name", "datatype", "shape", "data"} | {…, "parameters": {"binary_data_size": n}}]}`.
    ///
    /// With no binary output this is the whole body; otherwise its length is the
    /// `Inference-Header-Content-Length` and the binary outputs follow in output order.
    /// - Parameters:
    ///   - modelName: The model (loss) name.
    ///   - modelVersion: The model version, when there is one.
    ///   - id: The request's `id`, echoed.
    ///   - outputs: The outputs, in the order the client asked for them.
    public static func header(modelName: String, modelVersion: String?, id: String?, outputs: [HeaderOutput]) -> [UInt8] {
        // Inline tensors print about 12 bytes per float32 element.
        let inlineElements = outputs.reduce(0) { total, output in
            if case .inline(_, let tensor) = output { return total + tensor.count }
            return total
        }
        var writer = JSONWriter(reservingCapacity: 256 + 14 * inlineElements)
        writer.beginObject()
        writer.key("model_name")
        writer.string(modelName)
        if let modelVersion {
            writer.key("model_version")
            writer.string(modelVersion)
        }
        if let id {
            writer.key("id")
            writer.string(id)
        }
        writer.key("outputs")
        writer.beginArray()
        for output in outputs {
            writer.beginObject()
            writer.key("name")
            writer.string(output.name)
            switch output {
            case .binary(_, let dtype, let shape):
                writer.key("datatype")
                writer.string(dtype.kserveDatatype)
                writer.key("shape")
                writer.integers(shape)
                writer.key("parameters")
                writer.beginObject()
                writer.key("binary_data_size")
                writer.integer(output.binaryByteCount)
                writer.endObject()
            case .inline(_, let tensor):
                writer.key("datatype")
                writer.string(tensor.dtype.kserveDatatype)
                writer.key("shape")
                writer.integers(tensor.shape)
                writer.key("data")
                writer.flatData(of: tensor)
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
