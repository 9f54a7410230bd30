import LossCore

/// A decoded KServe v2 inference request.
public struct KServeRequest: Sendable, Equatable {
    /// One input tensor.
    public struct Input: Sendable, Equatable {
        /// The input's name (`input`, `target`, `weight`, …).
        public var name: String
        /// The tensor, in the datatype the client declared.
        public var tensor: Tensor

        /// Creates an input.
        public init(name: String, tensor: Tensor) {
            self.name = name
            self.tensor = tensor
        }
    }

    /// One output the client asked for.
    public struct RequestedOutput: Sendable, Equatable {
        /// The output's name (`loss`, `grad`).
        public var name: String
        /// The output's `binary_data` parameter, when given.
        public var binaryData: Bool?

        /// Creates a requested output.
        public init(name: String, binaryData: Bool? = nil) {
            self.name = name
            self.binaryData = binaryData
        }
    }

    /// The request `id`, echoed in the response.
    public var id: String?
    /// The request-level `parameters` object, protocol keys included.
    public var parameters: JSONObject
    /// The inputs, in request order.
    public var inputs: [Input]
    /// The outputs asked for, in request order (empty: all, in the model's order).
    public var outputs: [RequestedOutput]

    /// Creates a request (tests, or a caller that builds one by hand).
    public init(id: String? = nil, parameters: JSONObject = JSONObject(), inputs: [Input], outputs: [RequestedOutput] = []) {
        self.id = id
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Request parameters that steer the protocol rather than the loss (sent by tritonclient).
    public static let protocolParameterNames: Set<String> = [
        "binary_data_output", "sequence_id", "sequence_start", "sequence_end", "priority", "timeout",
    ]

    /// The tensor of the input called `name`.
    public subscript(input name: String) -> Tensor? {
        inputs.first { $0.name == name }?.tensor
    }

    /// `parameters.binary_data_output`: whether outputs without their own `binary_data` are binary.
    public var binaryDataOutput: Bool {
        if case .bool(let flag)? = parameters["binary_data_output"] { return flag }
        return false
    }

    /// The request parameters meant for the loss: all but ``protocolParameterNames``.
    /// - Throws: ``TensorDecodingError`` naming a parameter of unusable type.
    public func lossParameters() throws(TensorDecodingError) -> [String: ParameterValue] {
        var result: [String: ParameterValue] = [:]
        for (name, value) in parameters where !Self.protocolParameterNames.contains(name) {
            result[name] = try ParameterValue(json: value, name: name)
        }
        return result
    }

    /// Which outputs to send and whether each is binary.
    /// - Parameter available: The outputs the model produces, in default order (e.g. `["loss", "grad"]`).
    /// - Returns: The requested outputs (all of `available` when none were requested) with their binary flag.
    /// - Throws: ``KServeError`` of kind ``KServeError/Kind/unknownOutput``.
    public func outputSelection(available: [String]) throws(KServeError) -> [(name: String, binary: Bool)] {
        if outputs.isEmpty { return available.map { ($0, binaryDataOutput) } }
        var selection: [(name: String, binary: Bool)] = []
        for output in outputs {
            guard available.contains(output.name) else {
                throw KServeError(.unknownOutput, field: output.name, "unknown output \"\(output.name.prefix(40))\" (available: \(available.joined(separator: ", ")))")
            }
            selection.append((output.name, output.binaryData ?? binaryDataOutput))
        }
        return selection
    }
}
