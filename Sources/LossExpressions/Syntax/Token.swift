/// One lexical token of an expression.
struct Token: Sendable, Equatable {
    /// What kind of token, with its value.
    enum Kind: Sendable, Equatable {
        case number(Double)
        case name(String)
        /// One of `+ - * / ^ ( ) , ; = < <= > >= == !=`.
        case symbol(String)
        /// A line break outside parentheses: ends a binding like `;`.
        case newline
        case end
    }

    /// The kind.
    let kind: Kind
    /// Where it starts.
    let location: SourceLocation

    /// How messages name the token.
    var display: String {
        switch kind {
        case .number(let value): "number \(value)"
        case .name(let name): "'\(name)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .newline: "end of line"
        case .end: "end of expression"
        }
    }

    /// Whether this is the symbol `symbol`.
    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
}
