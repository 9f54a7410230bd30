/// Why a loss could not be computed from otherwise well-formed input.
///
/// Every case is a client error (the service answers 422): the request parsed, but its
/// tensors or parameters cannot be used. `field` names the parameter or tensor at fault.
public struct LossError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A machine-readable category.
    public enum Code: String, Sendable {
        /// A parameter name the loss does not take.
        case unknownParameter = "unknown_parameter"
        /// A parameter of the wrong type or outside its range.
        case invalidParameter = "invalid_parameter"
        /// Tensor shapes that do not fit together.
        case shapeMismatch = "shape_mismatch"
        /// A dtype the loss does not accept for that tensor.
        case invalidDType = "invalid_dtype"
        /// A tensor is structurally invalid (element count, rank).
        case invalidTensor = "invalid_tensor"
        /// A tensor value outside what the loss accepts (e.g. a class index ≥ C, a non-finite target).
        case invalidValue = "invalid_value"
        /// A required tensor is absent.
        case missingTensor = "missing_tensor"
    }

    /// The category.
    public var code: Code
    /// The parameter or tensor at fault, if one is.
    public var field: String?
    /// A sentence for a human.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: The category.
    ///   - message: What is wrong, and what was expected.
    ///   - field: The parameter or tensor at fault.
    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// The message.
    public var description: String { message }
}
