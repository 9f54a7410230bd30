/// A node of an expression's syntax tree, with the place it starts.
struct Syntax: Sendable {
    /// A call argument: positional, or `name = value`.
    struct Argument: Sendable {
        /// The keyword, or `nil` for a positional argument.
        var keyword: String?
        /// The value.
        var value: Syntax
    }

    /// What the node is.
    indirect enum Kind: Sendable {
        case number(Double)
        case bool(Bool)
        case name(String)
        case call(String, [Argument])
        case negate(Syntax)
        /// `+ - * / ^` and the comparisons, by their symbol.
        case binary(String, Syntax, Syntax)
    }

    /// The node.
    var kind: Kind
    /// Where it starts (for operators: where the operator is).
    var location: SourceLocation
}

/// A parsed program: let-bindings in order, then the loss expression.
struct Program: Sendable {
    /// One `name = expr` binding.
    struct Binding: Sendable {
        var name: String
        var value: Syntax
        var location: SourceLocation
    }

    /// The bindings, in source order.
    var bindings: [Binding]
    /// The loss.
    var body: Syntax
    /// Syntax nodes in the program, counted by the parser.
    var nodeCount: Int
}
