/// Why a KServe v2 (Open Inference Protocol) request cannot be decoded.
///
/// Suggested status codes: ``Kind/headerLength``, ``Kind/syntax``, ``Kind/structure`` and
/// ``Kind/binaryData`` are malformed bodies (400); the other kinds are well-formed but
/// unusable requests (422).
public struct KServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of problem.
    public enum Kind: String, Sendable, Equatable {
        /// `Inference-Header-Content-Length` is larger than the body.
        case headerLength
        /// The JSON header is not valid JSON.
        case syntax
        /// Valid JSON of the wrong structure (missing `inputs`, `shape` not integers, …).
        case structure
        /// Binary tensor bytes missing, left over, or of the wrong size.
        case binaryData
        /// A datatype lossd does not handle (BYTES, INT8, …), or FP16/BF16 sent as JSON.
        case unsupportedDatatype
        /// `data` does not hold `product(shape)` elements, or the shape overflows.
        case shapeMismatch
        /// An element that does not fit the datatype (fractional INT64, BOOL byte 2, …).
        case invalidValue
        /// Two inputs with the same name.
        case duplicateName
        /// A requested output the model does not produce.
        case unknownOutput
    }

    /// The class of problem.
    public var kind: Kind
    /// The input or output concerned, when one is.
    public var field: String?
    /// A sentence for the client (tritonclient raises it verbatim).
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, field: String? = nil, _ message: String) {
        self.kind = kind
        self.field = field
        self.message = message
    }

    /// Whether the body is malformed (400) rather than well-formed but unusable (422).
    public var isMalformed: Bool {
        switch kind {
        case .headerLength, .syntax, .structure, .binaryData: true
        default: false
        }
    }

    /// The message, prefixed with the field when there is one.
    public var description: String {
        if let field { return "\(field): \(message)" }
        return message
    }
}

import LossCore

extension DType {
    /// The KServe v2 datatype name (`FP32`, `BF16`, `INT64`, `BOOL`, …).
    public var kserveDatatype: String {
        switch self {
        case .float64: "FP64"
        case .float32: "FP32"
        case .float16: "FP16"
        case .bfloat16: "BF16"
        case .int64: "INT64"
        case .int32: "INT32"
        case .uint8: "UINT8"
        case .bool: "BOOL"
        }
    }

    /// The dtype for a KServe v2 datatype name, or `nil` for one lossd does not support.
    public init?(kserveDatatype name: String) {
        switch name {
        case "FP64": self = .float64
        case "FP32": self = .float32
        case "FP16": self = .float16
        case "BF16": self = .bfloat16
        case "INT64": self = .int64
        case "INT32": self = .int32
        case "UINT8": self = .uint8
        case "BOOL": self = .bool
        default: return nil
        }
    }
}
