/// A recursive-descent parser for the grammar of EXPRESSIONS.md.
///
/// Drive it with ``parse(_:limits:)``. Precedence, loosest first: comparison (non-associative),
/// `+ -`, `* /`, unary `-`, `^` (right-associative, binding tighter than unary minus on its left:
/// `-x^2` is `-(x^2)`, and `2^-1` is allowed). Limits are checked as it goes: the node count
/// on every node made, the nesting depth on every recursion, so hostile input fails early.
struct Parser {
    private let tokens: [Token]
    private var position = 0
    private let limits: ExpressionLimits
    private var depth = 0
    private var nodes = 0

    private init(tokens: [Token], limits: ExpressionLimits) {
        self.tokens = tokens
        self.limits = limits
    }

    /// Parses a whole program.
    static func parse(_ source: SourceText, limits: ExpressionLimits) throws(ExpressionError) -> Program {
        var parser = Parser(tokens: try Lexer.tokens(of: source), limits: limits)
        return try parser.program()
    }

    private var current: Token { tokens[position] }
    private func lookahead(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }
    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    private mutating func skipSeparators() {
        while current.kind == .newline || current.isSymbol(";") { advance() }
    }

    private mutating func program() throws(ExpressionError) -> Program {
        var bindings: [Program.Binding] = []
        skipSeparators()
        while case .name(let name) = current.kind, lookahead(1).isSymbol("=") {
            let location = current.location
            advance(); advance()
            let value = try expression()
            guard current.kind == .newline || current.isSymbol(";") else {
                throw ExpressionError("expected ';' or a new line after the binding of '\(name)', found \(current.display)",
                                      at: current.location)
            }
            skipSeparators()
            bindings.append(.init(name: name, value: value, location: location))
        }
        if current.kind == .end {
            throw ExpressionError(bindings.isEmpty ? "the expression is empty" : "expected the loss expression after the bindings",
                                  at: current.location)
        }
        let body = try expression()
        skipSeparators()
        guard current.kind == .end else {
            if case .name = current.kind, lookahead(1).isSymbol("=") {
                throw ExpressionError("a binding must come before the loss expression", at: current.location)
            }
            throw ExpressionError("unexpected \(current.display) after the expression", at: current.location)
        }
        return Program(bindings: bindings, body: body, nodeCount: nodes)
    }

    private mutating func node(_ kind: Syntax.Kind, _ location: SourceLocation) throws(ExpressionError) -> Syntax {
        nodes += 1
        guard nodes <= limits.maxNodes else {
            throw ExpressionError(.limitExceeded, "the expression has more than \(limits.maxNodes) nodes", at: location)
        }
        return Syntax(kind: kind, location: location)
    }

    private mutating func enter() throws(ExpressionError) {
        depth += 1
        guard depth <= limits.maxDepth else {
            throw ExpressionError(.limitExceeded, "the expression nests deeper than \(limits.maxDepth) levels", at: current.location)
        }
    }

    private mutating func expression() throws(ExpressionError) -> Syntax {
        try enter()
        defer { depth -= 1 }
        let left = try sum()
        let comparisons = ["<", "<=", ">", ">=", "==", "!="]
        guard case .symbol(let op) = current.kind, comparisons.contains(op) else { return left }
        let location = current.location
        advance()
        let right = try sum()
        if case .symbol(let next) = current.kind, comparisons.contains(next) {
            throw ExpressionError("comparisons cannot be chained; use parentheses", at: current.location)
        }
        return try node(.binary(op, left, right), location)
    }

    private mutating func sum() throws(ExpressionError) -> Syntax {
        var left = try product()
        while case .symbol(let op) = current.kind, op == "+" || op == "-" {
            let location = current.location
            advance()
            left = try node(.binary(op, left, try product()), location)
        }
        return left
    }

    private mutating func product() throws(ExpressionError) -> Syntax {
        var left = try unary()
        while case .symbol(let op) = current.kind, op == "*" || op == "/" {
            let location = current.location
            advance()
            left = try node(.binary(op, left, try unary()), location)
        }
        return left
    }

    private mutating func unary() throws(ExpressionError) -> Syntax {
        try enter()
        defer { depth -= 1 }
        if current.isSymbol("-") {
            let location = current.location
            advance()
            return try node(.negate(try unary()), location)
        }
        return try power()
    }

    private mutating func power() throws(ExpressionError) -> Syntax {
        let base = try atom()
        guard current.isSymbol("^") else { return base }
        let location = current.location
        advance()
        return try node(.binary("^", base, try unary()), location)
    }

    private mutating func atom() throws(ExpressionError) -> Syntax {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return try node(.number(value), token.location)
        case .name(let name):
            advance()
            if name == "true" || name == "false" { return try node(.bool(name == "true"), token.location) }
            guard current.isSymbol("(") else { return try node(.name(name), token.location) }
            return try call(name, at: token.location)
        case .symbol("("):
            advance()
            let inner = try expression()
            try close(openedAt: token.location)
            return inner
        default:
            throw ExpressionError("expected a number, a name or '(', found \(token.display)", at: token.location)
        }
    }

    private mutating func close(openedAt open: SourceLocation) throws(ExpressionError) {
        guard current.isSymbol(")") else {
            throw ExpressionError("expected ')' to close '(' opened at \(open), found \(current.display)", at: current.location)
        }
        advance()
    }

    private mutating func call(_ name: String, at location: SourceLocation) throws(ExpressionError) -> Syntax {
        let open = current.location
        advance()
        var arguments: [Syntax.Argument] = []
        if !current.isSymbol(")") {
            while true {
                if case .name(let keyword) = current.kind, lookahead(1).isSymbol("=") {
                    advance(); advance()
                    arguments.append(.init(keyword: keyword, value: try expression()))
                } else {
                    arguments.append(.init(keyword: nil, value: try expression()))
                }
                guard current.isSymbol(",") else { break }
                advance()
            }
        }
        try close(openedAt: open)
        return try node(.call(name, arguments), location)
    }
}
