/// The leaves of a (possibly nested) JSON array, flattened row-major into doubles, plus what
/// the literals looked like, so the dtype can be inferred and integer dtypes validated.
struct FlatElements {
    /// Each element as a double; booleans are 0 and 1.
    var values: [Double] = []
    /// Every element was `true` or `false`.
    var allBool = true
    /// Every element was a boolean or an integer literal.
    var allIntegral = true
    /// The shape implied by the nesting.
    var shape: [Int] = []

    /// Flattens `value`, checking that nested arrays are rectangular.
    /// - Parameter field: Names the request field in errors.
    init(_ value: JSONValue, field: String) throws(TensorDecodingError) {
        shape = FlatElements.nestingShape(of: value)
        if let count = Tensor.elementCount(of: shape) { values.reserveCapacity(count) }
        try collect(value, depth: 0, field: field)
    }

    /// The extents met by following the first element at every level.
    private static func nestingShape(of value: JSONValue) -> [Int] {
        var shape: [Int] = []
        var current = value
        while true {
            switch current {
            case .numbers(let values, _):
                shape.append(values.count)
                return shape
            case .array(let elements):
                shape.append(elements.count)
                guard let first = elements.first else { return shape }
                current = first
            default:
                return shape
            }
        }
    }

    private mutating func collect(_ value: JSONValue, depth: Int, field: String) throws(TensorDecodingError) {
        if depth == shape.count {
            return try appendScalar(value, field: field)
        }
        let expected = shape[depth]
        switch value {
        case .numbers(let numbers, let integral):
            guard numbers.count == expected else { throw ragged(depth, expected, numbers.count, field) }
            guard depth == shape.count - 1 else {
                throw TensorDecodingError(field: field, "ragged nested array at depth \(depth + 1): expected arrays but found numbers")
            }
            // A flat array shares the parsed doubles instead of copying them.
            if values.isEmpty { values = numbers } else { values.append(contentsOf: numbers) }
            allBool = false
            allIntegral = allIntegral && integral
        case .array(let elements):
            guard elements.count == expected else { throw ragged(depth, expected, elements.count, field) }
            for element in elements { try collect(element, depth: depth + 1, field: field) }
        default:
            throw TensorDecodingError(field: field, "ragged nested array at depth \(depth): expected an array of length \(expected) but found a \(value.kindName)")
        }
    }

    private func ragged(_ depth: Int, _ expected: Int, _ found: Int, _ field: String) -> TensorDecodingError {
        TensorDecodingError(field: field, "ragged nested array at depth \(depth): expected length \(expected) but found length \(found)")
    }

    private mutating func appendScalar(_ value: JSONValue, field: String) throws(TensorDecodingError) {
        switch value {
        case .number(let number):
            values.append(number)
            allBool = false
            // A lone number has lost its literal; a whole value counts as an integer literal.
            allIntegral = allIntegral && number == number.rounded()
        case .bool(let flag):
            values.append(flag ? 1 : 0)
        case .string(let text):
            guard let number = NonFiniteLiteral.value(of: text) else {
                throw TensorDecodingError(field: field, "invalid element \"\(text.prefix(40))\" at index \(values.count): expected a number, a boolean, or \"NaN\", \"Infinity\", \"-Infinity\"")
            }
            values.append(number)
            allBool = false
            allIntegral = false
        case .array, .numbers:
            throw TensorDecodingError(field: field, "ragged nested array at depth \(shape.count): expected a number but found an array")
        case .null, .object:
            throw TensorDecodingError(field: field, "invalid element at index \(values.count): expected a number but found \(value.kindName)")
        }
    }

    /// The dtype `torch.tensor` would pick for these literals.
    var inferredDType: DType {
        if values.isEmpty { return .float32 }
        if allBool { return .bool }
        return allIntegral ? .int64 : .float32
    }
}

import LossCore
