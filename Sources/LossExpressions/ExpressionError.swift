/// A place in an expression's source: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int
    /// Offset of the location's line start in the source's Unicode scalars.
    var lineStart: Int

    /// Creates a location.
    public init(line: Int, column: Int, lineStart: Int = 0) {
        self.line = line
        self.column = column
        self.lineStart = lineStart
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// Why an expression cannot be compiled or evaluated.
///
/// Every error is the client's (the service answers 422 with `code` `invalid_expression`, or the
/// code of a tensor problem). The rendering names the source, line and column, and repeats the
/// offending line with a caret under the column:
///
/// ```
/// expression:1:24: expected ')' to close '(' opened at 1:5
/// mean((input - target)^2
///                        ^
/// ```
public struct ExpressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A machine-readable category.
    public enum Code: String, Sendable {
        /// The source does not parse, names something unknown, or its shapes do not fit.
        case invalidExpression = "invalid_expression"
        /// A limit (source size, nodes, nesting, work) was exceeded.
        case limitExceeded = "expression_too_large"
        /// A tensor or parameter of the request cannot be used as the expression needs it.
        case invalidInput = "invalid_input"
    }

    /// The category.
    public var code: Code
    /// What is wrong, without position.
    public var reason: String
    /// Where, when the error has a place in the source.
    public var location: SourceLocation?
    /// The source line the location is on, for the caret rendering.
    public var sourceLine: String?
    /// The request field at fault (`expression`, or a tensor or parameter name).
    public var field: String
    /// What the source is called in messages: `expression`, or a definition file's path.
    public var sourceName: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String, at location: SourceLocation? = nil,
                sourceLine: String? = nil, field: String = "expression", sourceName: String = "expression") {
        self.code = code
        self.reason = reason
        self.location = location
        self.sourceLine = sourceLine
        self.field = field
        self.sourceName = sourceName
    }

    /// An ``Code/invalidExpression`` error.
    public init(_ reason: String, at location: SourceLocation? = nil, field: String = "expression") {
        self.init(.invalidExpression, reason, at: location, field: field)
    }

    /// `name:line:column: reason`, then the source line and a caret when there is a location.
    public var description: String {
        guard let location else { return "\(sourceName): \(reason)" }
        var text = "\(sourceName):\(location.line):\(location.column): \(reason)"
        if let sourceLine {
            text += "\n" + sourceLine + "\n" + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        return text
    }

    /// The same error attached to `source`, so its description carries the caret line.
    func attached(to source: SourceText) -> ExpressionError {
        var copy = self
        if let location, copy.sourceLine == nil { copy.sourceLine = source.line(containing: location) }
        return copy
    }
}
