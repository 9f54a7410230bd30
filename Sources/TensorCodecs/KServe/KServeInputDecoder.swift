import LossCore

/// Decodes one element of a request's `inputs` array.
enum KServeInputDecoder {
    /// Reads `{"name", "shape", "datatype", "data" | "parameters": {"binary_data_size"}}`.
    static func decode(_ value: JSONValue, binary: inout KServeBinaryCursor) throws(KServeError) -> KServeRequest.Input {
        guard let object = value.objectValue else {
            throw KServeError(.structure, "every input must be an object, found \(value.kindName)")
        }
        guard let name = object["name"]?.stringValue else {
            throw KServeError(.structure, "every input needs a string \"name\"")
        }
        guard let datatypeName = object["datatype"]?.stringValue else {
            throw KServeError(.structure, field: name, "input \"\(name)\" needs a string \"datatype\"")
        }
        guard let dtype = DType(kserveDatatype: datatypeName) else {
            throw KServeError(.unsupportedDatatype, field: name, "input \"\(name)\" has unsupported datatype \"\(datatypeName.prefix(20))\" (supported: FP32, FP64, FP16, BF16, INT64, INT32, UINT8, BOOL)")
        }
        guard let shapeValue = object["shape"] else {
            throw KServeError(.structure, field: name, "input \"\(name)\" needs a \"shape\"")
        }
        let shape: [Int]
        do {
            shape = try JSONTensorDecoder.parseShape(shapeValue, field: name)
        } catch {
            throw KServeError(.structure, field: name, "input \"\(name)\": \(error.message)")
        }
        guard let count = Tensor.elementCount(of: shape), let byteCount = TensorBytes.byteCount(of: dtype, count: count) else {
            throw KServeError(.shapeMismatch, field: name, "input \"\(name)\" has shape \(shape), which is too large")
        }
        let parameters = try KServeRequest.object(object["parameters"], what: "input \"parameters\"", field: name)
        let data = object["data"].flatMap { $0.isNull ? nil : $0 }

        if let sizeValue = parameters["binary_data_size"] {
            guard data == nil else {
                throw KServeError(.structure, field: name, "input \"\(name)\" has both \"data\" and binary_data_size")
            }
            guard let size = sizeValue.numberValue, size >= 0, size == size.rounded(), size < 0x1p53 else {
                throw KServeError(.structure, field: name, "binary_data_size of input \"\(name)\" must be a non-negative integer")
            }
            guard Int(size) == byteCount else {
                throw KServeError(.binaryData, field: name, "input \"\(name)\" of shape \(shape) and datatype \(datatypeName) needs \(byteCount) bytes but binary_data_size is \(Int(size))")
            }
            let bytes = try binary.take(byteCount, for: name)
            do {
                return .init(name: name, tensor: Tensor(unchecked: shape, storage: try TensorBytes.storage(from: bytes, dtype: dtype, count: count)))
            } catch {
                throw KServeError(.invalidValue, field: name, "input \"\(name)\": \(describe(error))")
            }
        }
        guard let data else {
            throw KServeError(.structure, field: name, "input \"\(name)\" has neither \"data\" nor binary_data_size")
        }
        guard dtype != .float16, dtype != .bfloat16 else {
            throw KServeError(.unsupportedDatatype, field: name, "input \"\(name)\": \(datatypeName) data must be sent in binary (binary_data_size), not as JSON")
        }
        return .init(name: name, tensor: try jsonTensor(data, shape: shape, count: count, dtype: dtype, name: name))
    }

    /// JSON `data`, flat or nested, holding exactly `count` elements.
    private static func jsonTensor(_ data: JSONValue, shape: [Int], count: Int, dtype: DType, name: String) throws(KServeError) -> Tensor {
        let elements: FlatElements
        let storage: Tensor.Storage
        do {
            elements = try FlatElements(data, field: name)
            guard elements.values.count == count else {
                throw KServeError(.shapeMismatch, field: name, "input \"\(name)\" has shape \(shape), which needs \(count) elements, but data has \(elements.values.count)")
            }
            storage = try elements.storage(as: dtype, field: name)
        } catch let error as KServeError {
            throw error
        } catch let error as TensorDecodingError {
            throw KServeError(.invalidValue, field: name, "input \"\(name)\": \(error.message)")
        } catch {
            throw KServeError(.invalidValue, field: name, "input \"\(name)\": \(error)")
        }
        return Tensor(unchecked: shape, storage: storage)
    }

    private static func describe(_ failure: TensorBytes.Failure) -> String {
        switch failure {
        case .invalidBool(let index, let byte): "BOOL element \(index) is byte \(byte), not 0 or 1"
        case .sizeMismatch(let expected, let actual): "needs \(expected) bytes but got \(actual)"
        }
    }
}
