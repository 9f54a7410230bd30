/// A parsed JSON document.
///
/// Arrays whose elements are all number literals are kept in the compact
/// ``numbers(_:integral:)`` form so that large tensors cost one `Double` per element
/// rather than one enum value per element.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number literal, correctly rounded to the nearest `Double`.
    case number(Double)
    /// A string, with escapes resolved.
    case string(String)
    /// An array holding at least one non-number element (or nothing at all).
    case array([JSONValue])
    /// An object, keys in document order.
    case object(JSONObject)
    /// A non-empty array whose elements are all number literals.
    ///
    /// `integral` is true when no literal had a fraction or an exponent (`1`, `-7`, but not
    /// `1.0` or `1e3`): the signal `torch.tensor` uses to pick `int64`.
    case numbers([Double], integral: Bool)

    /// A short name of the value's kind for error messages (`"object"`, `"array"`, …).
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array, .numbers: "array"
        case .object: "object"
        }
    }

    /// The members when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The string when this is a string.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The number when this is a number.
    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The elements when this is an array, expanding the compact numbers form.
    ///
    /// Costs one allocation per call for ``numbers(_:integral:)``; tensor decoding never uses it.
    public var arrayValue: [JSONValue]? {
        switch self {
        case .array(let elements): elements
        case .numbers(let values, _): values.map(JSONValue.number)
        default: nil
        }
    }

    /// Whether this is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}
