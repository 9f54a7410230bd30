import LossCore

/// Turns a JSON value into a ``Tensor``.
///
/// Two forms are accepted: nested arrays (`[[1, 2], [3, 4]]`, shape inferred and required
/// to be rectangular; a bare number is a scalar of shape `[]`) and an object
/// `{"shape": [2, 2], "dtype": "float32", "data": [1, 2, 3, 4]}` whose `dtype` is
/// optional and whose `data` may be flat or nested but must hold exactly `product(shape)`
/// elements; without `shape` the nesting of `data` gives it. Non-finite values arrive as
/// the strings `"NaN"`, `"Infinity"`, `"-Infinity"` (also `"nan"`, `"inf"`, `"-inf"`, any case).
public enum JSONTensorDecoder {
    /// Decodes a tensor.
    /// - Parameters:
    ///   - value: The JSON value of the field.
    ///   - field: The field's name, reported in errors (`"input"`, `"target"`, …).
    ///   - dtypeDefault: The dtype used when the value does not name one.
    /// - Throws: ``TensorDecodingError`` naming `field`.
    public static func decode(_ value: JSONValue, field: String, dtypeDefault: DTypeDefault = .float32) throws(TensorDecodingError) -> Tensor {
        switch value {
        case .object(let object):
            return try decodeObject(object, field: field, dtypeDefault: dtypeDefault)
        case .null:
            throw TensorDecodingError(field: field, "expected a tensor (nested arrays or {\"shape\", \"dtype\", \"data\"}) but found null")
        default:
            let elements = try FlatElements(value, field: field)
            let dtype = resolve(dtypeDefault, elements)
            return Tensor(unchecked: elements.shape, storage: try elements.storage(as: dtype, field: field))
        }
    }

    /// Decodes an optional tensor: `nil` when the field is absent or `null`.
    /// - Parameters:
    ///   - value: The JSON value of the field, if the request had one.
    ///   - field: The field's name, reported in errors.
    ///   - dtypeDefault: The dtype used when the value does not name one.
    /// - Throws: ``TensorDecodingError`` naming `field`.
    public static func decodeIfPresent(_ value: JSONValue?, field: String, dtypeDefault: DTypeDefault = .float32) throws(TensorDecodingError) -> Tensor? {
        guard let value, !value.isNull else { return nil }
        return try decode(value, field: field, dtypeDefault: dtypeDefault)
    }

    private static func decodeObject(_ object: JSONObject, field: String, dtypeDefault: DTypeDefault) throws(TensorDecodingError) -> Tensor {
        for key in object.keys where key != "shape" && key != "dtype" && key != "data" {
            throw TensorDecodingError(field: field, "unknown key \"\(key.prefix(40))\" in tensor object (expected \"shape\", \"dtype\", \"data\")")
        }
        guard let data = object["data"], !data.isNull else {
            throw TensorDecodingError(field: field, "tensor object has no \"data\"")
        }
        let explicitDType = try parseDType(object["dtype"], field: field)
        let elements = try FlatElements(data, field: field)
        var shape = elements.shape
        if let shapeValue = object["shape"], !shapeValue.isNull {
            shape = try parseShape(shapeValue, field: field)
            guard let count = Tensor.elementCount(of: shape) else {
                throw TensorDecodingError(field: field, "shape \(shape) has more elements than can be addressed")
            }
            guard count == elements.values.count else {
                throw TensorDecodingError(field: field, "shape \(shape) needs \(count) elements but data has \(elements.values.count)")
            }
        }
        let dtype = explicitDType ?? resolve(dtypeDefault, elements)
        return Tensor(unchecked: shape, storage: try elements.storage(as: dtype, field: field))
    }

    private static func resolve(_ dtypeDefault: DTypeDefault, _ elements: FlatElements) -> DType {
        switch dtypeDefault {
        case .fixed(let dtype): dtype
        case .inferred: elements.inferredDType
        }
    }

    /// A dtype name, `nil` when absent or `null`.
    static func parseDType(_ value: JSONValue?, field: String) throws(TensorDecodingError) -> DType? {
        guard let value, !value.isNull else { return nil }
        guard let name = value.stringValue else {
            throw TensorDecodingError(field: field, "\"dtype\" must be a string, found \(value.kindName)")
        }
        guard let dtype = DType(name: name) else {
            let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
            throw TensorDecodingError(field: field, "unknown dtype \"\(name.prefix(40))\" (supported: \(known))")
        }
        return dtype
    }

    /// A shape: an array of non-negative integers (an empty array is a scalar).
    static func parseShape(_ value: JSONValue, field: String) throws(TensorDecodingError) -> [Int] {
        let numbers: [Double]
        switch value {
        case .numbers(let values, _): numbers = values
        case .array(let elements) where elements.isEmpty: numbers = []
        default:
            throw TensorDecodingError(field: field, "\"shape\" must be an array of non-negative integers")
        }
        var shape = [Int]()
        shape.reserveCapacity(numbers.count)
        for number in numbers {
            guard number >= 0, number == number.rounded(), number < 0x1p63 else {
                throw TensorDecodingError(field: field, "\"shape\" must be an array of non-negative integers, found \(ParameterValue.number(number))")
            }
            shape.append(Int(number))
        }
        return shape
    }
}
