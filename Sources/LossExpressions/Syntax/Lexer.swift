/// Splits an expression's source into ``Token``s (grammar in EXPRESSIONS.md).
///
/// Numbers follow JSON's syntax without the sign (a leading `-` is the unary operator); `#`
/// starts a comment to the end of the line; a line break is a token only outside parentheses,
/// so a parenthesised expression may span lines. Errors carry the exact line and column.
struct Lexer {
    private let source: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var parenDepth = 0

    init(_ source: SourceText) { self.source = source.scalars }

    /// All tokens, ending with `.end`.
    static func tokens(of source: SourceText) throws(ExpressionError) -> [Token] {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private var location: SourceLocation {
        SourceLocation(line: line, column: index - lineStart + 1, lineStart: lineStart)
    }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < source.count ? source[index + offset] : nil
    }

    private mutating func newLine() {
        line += 1
        lineStart = index
    }

    mutating func next() throws(ExpressionError) -> Token {
        while let c = peek() {
            if c == " " || c == "\t" { index += 1; continue }
            if c == "#" {
                while let d = peek(), d != "\n", d != "\r" { index += 1 }
                continue
            }
            if c == "\r" || c == "\n" {
                let start = location
                index += (c == "\r" && peek(1) == "\n") ? 2 : 1
                newLine()
                if parenDepth == 0 { return Token(kind: .newline, location: start) }
                continue
            }
            break
        }
        let start = location
        guard let c = peek() else { return Token(kind: .end, location: start) }
        if Self.isNameStart(c) {
            var name = String.UnicodeScalarView()
            while let d = peek(), Self.isNameStart(d) || ("0"..."9").contains(d) { name.append(d); index += 1 }
            return Token(kind: .name(String(name)), location: start)
        }
        if ("0"..."9").contains(c) { return Token(kind: .number(try number(start)), location: start) }
        let two = peek(1).map { String(c) + String($0) }
        if let two, ["<=", ">=", "==", "!="].contains(two) {
            index += 2
            return Token(kind: .symbol(two), location: start)
        }
        if "+-*/^(),;=<>".unicodeScalars.contains(c) {
            index += 1
            if c == "(" { parenDepth += 1 }
            if c == ")" { parenDepth = max(0, parenDepth - 1) }
            return Token(kind: .symbol(String(c)), location: start)
        }
        let shown = c.isASCII && c.value >= 0x20 ? "'\(c)'" : "U+\(String(c.value, radix: 16, uppercase: true))"
        throw ExpressionError("unexpected character \(shown)", at: start)
    }

    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }

    private static func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { ("0"..."9").contains($0) } ?? false }

    /// JSON number syntax: `0 | [1-9][0-9]*`, optional `.[0-9]+`, optional `[eE][+-]?[0-9]+`.
    private mutating func number(_ start: SourceLocation) throws(ExpressionError) -> Double {
        var text = ""
        func take() { text.unicodeScalars.append(peek()!); index += 1 }
        if peek() == "0" {
            take()
            if Self.isDigit(peek()) { throw ExpressionError("a number cannot have leading zeros", at: start) }
        } else {
            while Self.isDigit(peek()) { take() }
        }
        if peek() == "." {
            take()
            guard Self.isDigit(peek()) else { throw ExpressionError("expected a digit after '.'", at: location) }
            while Self.isDigit(peek()) { take() }
        }
        if peek() == "e" || peek() == "E" {
            take()
            if peek() == "+" || peek() == "-" { take() }
            guard Self.isDigit(peek()) else { throw ExpressionError("expected a digit in the exponent", at: location) }
            while Self.isDigit(peek()) { take() }
        }
        if let d = peek(), Self.isNameStart(d) {
            throw ExpressionError("unexpected '\(d)' after a number", at: location)
        }
        guard let value = Double(text), value.isFinite else {
            throw ExpressionError("number \(text.prefix(40)) is out of range", at: start)
        }
        return value
    }
}
