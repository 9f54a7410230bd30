/// A call's arguments, checked against what the function takes: how many positional arguments,
/// which keywords. ``take(_:alias:position:)`` reads an argument given by keyword or position.
struct CallArguments {
    /// Positional arguments, in order.
    let positional: [Syntax]
    /// Keyword arguments by name.
    private(set) var keywords: [String: Syntax]

    /// Checks `arguments` of `function`.
    init(_ function: String, _ arguments: [Syntax.Argument], positional range: ClosedRange<Int>,
         keywords allowed: Set<String>, at location: SourceLocation) throws(ExpressionError) {
        var positional: [Syntax] = []
        var keywords: [String: Syntax] = [:]
        for argument in arguments {
            guard let keyword = argument.keyword else {
                guard keywords.isEmpty else {
                    throw ExpressionError("a positional argument cannot follow a keyword argument", at: argument.value.location)
                }
                positional.append(argument.value)
                continue
            }
            guard allowed.contains(keyword) else {
                let list = allowed.sorted().joined(separator: ", ")
                throw ExpressionError("\(function) takes no argument '\(keyword)'" + (list.isEmpty ? "" : "; it takes \(list)"),
                                      at: argument.value.location)
            }
            guard keywords[keyword] == nil else {
                throw ExpressionError("argument '\(keyword)' is given twice", at: argument.value.location)
            }
            keywords[keyword] = argument.value
        }
        guard range.contains(positional.count) else {
            let expected = range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
            throw ExpressionError("\(function) takes \(expected) positional argument\(range.upperBound == 1 ? "" : "s"), got \(positional.count)",
                                  at: location)
        }
        self.positional = positional
        self.keywords = keywords
    }

    /// Checks `arguments` taking exactly `count` positional arguments.
    init(_ function: String, _ arguments: [Syntax.Argument], positional count: Int,
         keywords allowed: Set<String>, at location: SourceLocation) throws(ExpressionError) {
        try self.init(function, arguments, positional: count...count, keywords: allowed, at: location)
    }

    /// The argument called `name` (or `alias`), or the positional one at `position`.
    mutating func take(_ name: String, alias: String? = nil, position: Int? = nil) throws(ExpressionError) -> Syntax? {
        var found = keywords.removeValue(forKey: name)
        if let alias, let other = keywords.removeValue(forKey: alias) {
            if found != nil { throw ExpressionError("'\(name)' and '\(alias)' are the same argument", at: other.location) }
            found = other
        }
        if let position, position < positional.count {
            if let found { throw ExpressionError("argument '\(name)' is given twice", at: found.location) }
            return positional[position]
        }
        return found
    }
}
