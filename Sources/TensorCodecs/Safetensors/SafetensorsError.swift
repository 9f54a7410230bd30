/// Why a byte buffer is not a usable safetensors file. The service answers these with 400.
public struct SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: String, Sendable, Equatable {
        /// Fewer than 8 bytes, so no header length.
        case truncated
        /// The header length exceeds the 100 MB cap or the bytes that follow it.
        case headerLength
        /// The header is not valid UTF-8 JSON.
        case headerSyntax
        /// The header is JSON but not a safetensors header (wrong types, missing keys).
        case headerStructure
        /// A tensor name appears twice.
        case duplicateName
        /// A dtype other than F64 F32 F16 BF16 I64 I32 U8 BOOL.
        case unsupportedDType
        /// A shape whose byte size overflows.
        case shapeOverflow
        /// `data_offsets` out of order, overlapping, leaving gaps, or not covering the data.
        case offsets
        /// `data_offsets` span a different byte count than `product(shape) × itemsize`.
        case sizeMismatch
        /// A BOOL byte other than 0 or 1.
        case invalidBool
    }

    /// The class of problem.
    public var kind: Kind
    /// The tensor concerned, when one is.
    public var tensorName: String?
    /// A sentence for the client.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, tensor: String? = nil, _ message: String) {
        self.kind = kind
        self.tensorName = tensor
        self.message = message
    }

    /// `"safetensors: <message>"`, naming the tensor when there is one.
    public var description: String {
        if let tensorName { return "safetensors tensor \"\(tensorName)\": \(message)" }
        return "safetensors: \(message)"
    }
}
