import LossCore

extension KServeRequest {
    /// Decodes a request body, with or without the binary data extension.
    ///
    /// - Parameters:
    ///   - body: The whole (already decompressed) body.
    ///   - headerLength: The `Inference-Header-Content-Length` value: the JSON header is
    ///     `body[0..<headerLength]` and binary tensors follow in input order. `nil` when the
    ///     header was absent: the whole body is JSON and no input may be binary.
    /// - Throws: ``KServeError`` describing the first problem.
    public init(decoding body: UnsafeRawBufferPointer, headerLength: Int?) throws(KServeError) {
        let jsonLength = headerLength ?? body.count
        guard jsonLength >= 0, jsonLength <= body.count else {
            throw KServeError(.headerLength, "Inference-Header-Content-Length \(jsonLength) exceeds the body size \(body.count)")
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: body[0..<jsonLength]))
        } catch {
            throw KServeError(.syntax, "request JSON is invalid: \(error.description)")
        }
        guard let object = root.objectValue else {
            throw KServeError(.structure, "request must be a JSON object, found \(root.kindName)")
        }
        id = try Self.decodeID(object["id"])
        parameters = try Self.object(object["parameters"], what: "\"parameters\"", field: nil)
        outputs = try Self.decodeOutputs(object["outputs"])

        guard let inputValues = object["inputs"]?.arrayValue else {
            throw KServeError(.structure, "request needs an \"inputs\" array")
        }
        var binary = KServeBinaryCursor(bytes: UnsafeRawBufferPointer(rebasing: body[jsonLength...]), enabled: headerLength != nil)
        inputs = []
        inputs.reserveCapacity(inputValues.count)
        for value in inputValues {
            let input = try KServeInputDecoder.decode(value, binary: &binary)
            guard !inputs.contains(where: { $0.name == input.name }) else {
                throw KServeError(.duplicateName, field: input.name, "input \"\(input.name)\" appears twice")
            }
            inputs.append(input)
        }
        try binary.finish()
    }

    /// Decodes a request body held in an array.
    /// - Throws: ``KServeError`` describing the first problem.
    public init(decoding body: [UInt8], headerLength: Int?) throws(KServeError) {
        let result: Result<KServeRequest, KServeError> = body.withUnsafeBytes { raw in
            Result { () throws(KServeError) -> KServeRequest in try KServeRequest(decoding: raw, headerLength: headerLength) }
        }
        self = try result.get()
    }

    /// `id` may be a string; numbers are tolerated and rendered as text.
    private static func decodeID(_ value: JSONValue?) throws(KServeError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .number(let number)?: return ParameterValue.number(number).description
        case let other?: throw KServeError(.structure, "\"id\" must be a string, found \(other.kindName)")
        }
    }

    static func object(_ value: JSONValue?, what: String, field: String?) throws(KServeError) -> JSONObject {
        switch value {
        case nil, .null?: return JSONObject()
        case .object(let object)?: return object
        case let other?: throw KServeError(.structure, field: field, "\(what) must be an object, found \(other.kindName)")
        }
    }

    private static func decodeOutputs(_ value: JSONValue?) throws(KServeError) -> [RequestedOutput] {
        guard let value, !value.isNull else { return [] }
        guard let elements = value.arrayValue else {
            throw KServeError(.structure, "\"outputs\" must be an array, found \(value.kindName)")
        }
        var outputs: [RequestedOutput] = []
        for element in elements {
            guard let name = element["name"]?.stringValue else {
                throw KServeError(.structure, "every requested output needs a string \"name\"")
            }
            let parameters = try object(element["parameters"], what: "output \"parameters\"", field: name)
            var binaryData: Bool?
            switch parameters["binary_data"] {
            case nil, .null?: binaryData = nil
            case .bool(let flag)?: binaryData = flag
            case let other?: throw KServeError(.structure, field: name, "\"binary_data\" must be a boolean, found \(other.kindName)")
            }
            outputs.append(RequestedOutput(name: name, binaryData: binaryData))
        }
        return outputs
    }
}

/// Hands out the binary section of a request body tensor by tensor, in input order.
struct KServeBinaryCursor {
    let bytes: UnsafeRawBufferPointer
    /// False when the request had no `Inference-Header-Content-Length`.
    let enabled: Bool
    var offset = 0

    /// The next `count` bytes, for the input `name`.
    mutating func take(_ count: Int, for name: String) throws(KServeError) -> UnsafeRawBufferPointer {
        guard enabled else {
            throw KServeError(.binaryData, field: name, "input \"\(name)\" has binary_data_size but the request has no Inference-Header-Content-Length header")
        }
        guard count <= bytes.count - offset else {
            throw KServeError(.binaryData, field: name, "input \"\(name)\" needs \(count) binary bytes but only \(bytes.count - offset) remain in the body")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// Fails when binary bytes were left unclaimed.
    func finish() throws(KServeError) {
        guard offset == bytes.count else {
            throw KServeError(.binaryData, "the body has \(bytes.count - offset) binary bytes after the last binary input")
        }
    }
}
