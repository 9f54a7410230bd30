/// Why a loss definition (EXPRESSIONS.md "Named custom losses") cannot be used.
///
/// Every error has a place in the definition's text — also errors inside its expression string,
/// mapped back through the string's escapes — so the rendering is `name:line:column: reason`,
/// then the offending line and a caret, the way `nginx -t` names a configuration file:
///
/// ```
/// /etc/lossd/losses/my_dice.json:3:32: unknown name 'smoth'; …
///   "expression": "1 - (2 * sum(p * target) + smoth) / …",
///                                ^
/// ```
public struct DefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, without position.
    public var reason: String
    /// Where in the definition's text; `nil` for a problem with no place in it (a missing directory).
    public var position: TextPosition?
    /// What the text is called: a file's path, or `definition` for one sent over HTTP.
    public var sourceName: String
    /// The member at fault (`expression`, `parameters.smooth`, `name`, …).
    public var field: String?
    /// The line of the text the position is on, for the caret rendering.
    public var sourceLine: String?

    /// Creates an error, taking the caret line from `text`.
    /// - Parameters:
    ///   - reason: What is wrong.
    ///   - position: Where.
    ///   - sourceName: What the text is called.
    ///   - field: The member at fault.
    ///   - text: The definition's bytes (for the caret line), if at hand.
    public init(_ reason: String, at position: TextPosition?, sourceName: String, field: String? = nil, text: [UInt8]? = nil) {
        self.reason = reason
        self.position = position
        self.sourceName = sourceName
        self.field = field
        self.sourceLine = position.flatMap { position in text.map { Self.line(position.line, of: $0) } }
    }

    /// `name:line:column: reason`, then the line and a caret under the column (`name: reason`
    /// without a position).
    public var description: String {
        guard let position else { return "\(sourceName): \(reason)" }
        var text = "\(sourceName):\(position.line):\(position.column): \(reason)"
        // The caret line only for a short, printable line: never echo binary junk back.
        if let sourceLine, !sourceLine.isEmpty, sourceLine.unicodeScalars.count <= 240,
           !sourceLine.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "\u{FFFD}" || (0x7F...0x9F).contains($0.value) }) {
            text += "\n" + sourceLine + "\n" + String(repeating: " ", count: max(0, position.column - 1)) + "^"
        }
        return text
    }

    /// Line `number` (1-based) of `text`, without its terminator; invalid UTF-8 is replaced.
    static func line(_ number: Int, of text: [UInt8]) -> String {
        var current = 1
        var start = 0
        for (offset, byte) in text.enumerated() where byte == UInt8(ascii: "\n") {
            if current == number { break }
            current += 1
            start = offset + 1
        }
        guard current == number, start <= text.count else { return "" }
        var end = start
        while end < text.count, text[end] != UInt8(ascii: "\n"), text[end] != UInt8(ascii: "\r") { end += 1 }
        return String(decoding: text[start..<end], as: UTF8.self).replacingTabs
    }
}

extension String {
    /// Tabs as single spaces, so the caret under a column lines up.
    fileprivate var replacingTabs: String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "\t" ? " " : $0 }))
    }
}
