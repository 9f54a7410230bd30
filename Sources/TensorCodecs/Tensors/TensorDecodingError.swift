/// A JSON value that is well-formed but cannot become the tensor or parameter asked for
/// (ragged arrays, count mismatch, unknown dtype, out-of-range integer, …).
///
/// The service answers these with 422 and puts ``field`` in the error body.
public struct TensorDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request field at fault, as the caller named it (`"input"`, `"target"`, a parameter name).
    public var field: String
    /// A sentence for the client that says what was wrong and what was expected.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - field: The request field at fault.
    ///   - message: What was wrong.
    public init(field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    /// `"<field>: <message>"`.
    public var description: String { "\(field): \(message)" }
}

/// Which dtype a tensor gets when the client does not name one.
public enum DTypeDefault: Sendable, Equatable {
    /// Always this dtype (inputs: `.fixed(.float32)`, as the wire contract says).
    case fixed(DType)
    /// Inferred from the literals like `torch.tensor`: all booleans → `bool`, all integer
    /// literals (no `.`, `e` or `E`) → `int64`, anything else (or no elements) → `float32`.
    case inferred

    /// `.fixed(.float32)`, the contract's default.
    public static let float32 = DTypeDefault.fixed(.float32)
}

import LossCore

/// Spellings of non-finite numbers accepted as strings inside tensor data and number lists.
enum NonFiniteLiteral {
    /// The value denoted by `text` (`"NaN"`, `"Infinity"`, `"-Infinity"`, `"inf"`, `"-inf"`,
    /// `"nan"`, any letter case, optional `+`), or `nil`.
    static func value(of text: String) -> Double? {
        guard text.utf8.count <= 9 else { return nil }
        switch text.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }
}
