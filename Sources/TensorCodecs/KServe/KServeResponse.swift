import LossCore

/// A KServe v2 inference response, ready to encode.
public struct KServeResponse: Sendable, Equatable {
    /// One output tensor and how to send it.
    public struct Output: Sendable, Equatable {
        /// The output's name (`loss`, `grad`).
        public var name: String
        /// The tensor.
        public var tensor: Tensor
        /// Send the bytes after the JSON header (binary data extension) instead of as JSON `data`.
        public var binary: Bool

        /// Creates an output.
        public init(name: String, tensor: Tensor, binary: Bool) {
            self.name = name
            self.tensor = tensor
            self.binary = binary
        }
    }

    /// The model (loss) name.
    public var modelName: String
    /// The model version, when there is one.
    public var modelVersion: String?
    /// The request's `id`, echoed.
    public var id: String?
    /// The outputs, in the order the client asked for them.
    public var outputs: [Output]

    /// Creates a response.
    public init(modelName: String, modelVersion: String? = nil, id: String? = nil, outputs: [Output]) {
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.id = id
        self.outputs = outputs
    }

    /// The encoded body.
    public struct Encoded: Sendable, Equatable {
        /// JSON header followed by the binary outputs, in output order.
        public var body: [UInt8]
        /// The JSON header's length, for `Inference-Header-Content-Length`; `nil` when no
        /// output is binary (the body is then plain JSON and the header must not be sent).
        public var headerLength: Int?
    }

    /// Encodes the response: `{"model_name", "model_version"?, "id"?, "outputs": [{"name",
    /// "datatype", "shape", "data"} | {…, "parameters": {"binary_data_size": n}}]}`, then the
    /// binary outputs' bytes back to back.
    public func encoded() -> Encoded {
        var writer = JSONWriter()
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
        var binaryBytes = 0
        for output in outputs {
            writer.beginObject()
            writer.key("name")
            writer.string(output.name)
            writer.key("datatype")
            writer.string(output.tensor.dtype.kserveDatatype)
            writer.key("shape")
            writer.integers(output.tensor.shape)
            if output.binary {
                let size = output.tensor.count * output.tensor.dtype.itemSize
                binaryBytes += size
                writer.key("parameters")
                writer.beginObject()
                writer.key("binary_data_size")
                writer.integer(size)
                writer.endObject()
            } else {
                writer.key("data")
                writer.flatData(of: output.tensor)
            }
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()

        guard outputs.contains(where: \.binary) else {
            return Encoded(body: writer.bytes, headerLength: nil)
        }
        var body = writer.bytes
        let headerLength = body.count
        body.reserveCapacity(headerLength + binaryBytes)
        for output in outputs where output.binary {
            TensorBytes.append(output.tensor.storage, to: &body)
        }
        return Encoded(body: body, headerLength: headerLength)
    }
}
