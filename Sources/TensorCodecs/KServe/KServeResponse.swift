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

    /// Encodes the response: ``header(modelName:modelVersion:id:outputs:)``, then the binary
    /// outputs' bytes back to back in output order.
    public func encoded() -> Encoded {
        let layout = outputs.map { output -> HeaderOutput in
            output.binary ? .binary(name: output.name, dtype: output.tensor.dtype, shape: output.tensor.shape)
                : .inline(name: output.name, tensor: output.tensor)
        }
        var body = Self.header(modelName: modelName, modelVersion: modelVersion, id: id, outputs: layout)
        guard outputs.contains(where: \.binary) else {
            return Encoded(body: body, headerLength: nil)
        }
        let headerLength = body.count
        let binaryBytes = outputs.reduce(0) { $0 + ($1.binary ? $1.tensor.count * $1.tensor.dtype.itemSize : 0) }
        body.reserveCapacity(headerLength + binaryBytes)
        for output in outputs where output.binary {
            TensorBytes.append(output.tensor.storage, to: &body)
        }
        return Encoded(body: body, headerLength: headerLength)
    }
}
