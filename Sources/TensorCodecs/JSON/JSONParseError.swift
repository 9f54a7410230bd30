/// Why a byte sequence is not a JSON document, and where parsing stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of syntax error, for tests and metrics.
    public enum Kind: String, Sendable, Equatable {
        /// The input ended inside a value.
        case unexpectedEnd
        /// A byte that cannot start or continue a value here.
        case unexpectedCharacter
        /// A `,` directly before `]` or `}`.
        case trailingComma
        /// A backslash escape JSON does not define, or a malformed `\u` escape.
        case invalidEscape
        /// A `\u` surrogate without its partner.
        case loneSurrogate
        /// Bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// An unescaped byte below 0x20 inside a string.
        case controlCharacter
        /// A number literal JSON does not allow (leading zero, missing digits, …).
        case invalidNumber
        /// A number literal too large for a `Double`.
        case numberOutOfRange
        /// Arrays and objects nested deeper than the limit.
        case tooDeep
        /// An object key that appeared before in the same object.
        case duplicateKey
        /// Something other than whitespace after the document.
        case trailingData
    }

    /// The class of error.
    public var kind: Kind
    /// Byte offset in the input where the problem was found.
    public var offset: Int
    /// A sentence for the client, without the offset.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, at offset: Int, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    /// `"<message> at byte <offset>"`.
    public var description: String { "\(message) at byte \(offset)" }
}
