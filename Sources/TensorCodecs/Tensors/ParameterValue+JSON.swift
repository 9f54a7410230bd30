import LossCore

extension ParameterValue {
    /// Converts the JSON value a client sent for the loss parameter `name`.
    ///
    /// Numbers, booleans, strings and `null` map one to one; an array must hold only numbers
    /// (or the non-finite strings `"NaN"`, `"Infinity"`, `"-Infinity"`). Objects and nested
    /// arrays are errors naming the parameter.
    /// - Throws: ``TensorDecodingError`` whose field is `name`.
    public init(json: JSONValue, name: String) throws(TensorDecodingError) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .number(let number): self = .number(number)
        case .string(let text): self = .string(text)
        case .numbers(let numbers, _): self = .numbers(numbers)
        case .array(let elements):
            var numbers = [Double]()
            numbers.reserveCapacity(elements.count)
            for element in elements {
                switch element {
                case .number(let number): numbers.append(number)
                case .string(let text) where NonFiniteLiteral.value(of: text) != nil:
                    numbers.append(NonFiniteLiteral.value(of: text) ?? .nan)
                default:
                    throw TensorDecodingError(field: name, "parameter \"\(name)\" must be a number, boolean, string or list of numbers; its list holds a \(element.kindName)")
                }
            }
            self = .numbers(numbers)
        case .object:
            throw TensorDecodingError(field: name, "parameter \"\(name)\" must be a number, boolean, string or list of numbers, not an object")
        }
    }

    /// Reads a parameter sent as text (safetensors `__metadata__`, a query string).
    ///
    /// The text is parsed as a JSON value (`"0.5"`, `"true"`, `"[1, 2]"`, `"\"mean\""`); text
    /// that is not JSON is taken as a plain string (`mean`).
    /// - Throws: ``TensorDecodingError`` when the text is JSON of an unusable kind (an object).
    public init(text: String, name: String) throws(TensorDecodingError) {
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(text, maxDepth: 4)
        } catch {
            self = .string(text)
            return
        }
        try self.init(json: parsed, name: name)
    }

    /// Converts every member of a `params` object.
    /// - Throws: ``TensorDecodingError`` naming the first unusable parameter.
    public static func parameters(from object: JSONObject) throws(TensorDecodingError) -> [String: ParameterValue] {
        var result = [String: ParameterValue](minimumCapacity: object.count)
        for (name, value) in object {
            result[name] = try ParameterValue(json: value, name: name)
        }
        return result
    }
}
