import LossCore

extension GraphBuilder {
    /// Lowers a call of a catalog loss: `name(input, target[, weight], param=value, …)`.
    ///
    /// Keyword arguments other than `weight` are the loss's parameters and must be constants;
    /// `reduction` is always `mean` (the loss is a scalar), as EXPRESSIONS.md says.
    mutating func lossCall(_ name: String, _ arguments: [Syntax.Argument], at location: SourceLocation) throws(ExpressionError) -> Int {
        guard let loss = registry.loss(named: name) else {
            let names = FunctionTable.unary.keys.sorted() + FunctionTable.reductions.keys.sorted() + FunctionTable.others.sorted()
            var message = "unknown function '\(name)'"
            if let suggestion = Self.nearest(name, in: names) ?? registry.suggestion(for: name) {
                message += "; did you mean '\(suggestion)'?"
            }
            throw ExpressionError(message, at: location)
        }
        let descriptor = loss.descriptor
        let allowed = Set(descriptor.parameters.map(\.name)).subtracting(["reduction"]).union(["weight"])
        var args = try CallArguments(name, arguments, positional: 2...3, keywords: allowed, at: location)
        let input = try lower(args.positional[0])
        let target = try lower(args.positional[1])
        let weight = try args.take("weight", position: 2).map { (s) throws(ExpressionError) in try lower(s) }
        var parameters: [String: ParameterValue] = [:]
        for (keyword, syntax) in args.keywords {
            let node = try lower(syntax)
            guard let value = constant(node) else {
                throw ExpressionError("parameter '\(keyword)' of \(name) must be a constant", at: syntax.location)
            }
            let spec = descriptor.parameters.first { $0.name == keyword }
            if case .bool? = spec?.kind {
                parameters[keyword] = .bool(value != 0)
            } else {
                parameters[keyword] = .number(value)
            }
        }
        do {
            _ = try Parameters(parameters, specs: descriptor.parameters)
        } catch {
            throw ExpressionError("\(name): \(error.message)", at: location)
        }
        let call = BuiltinLossCall(loss: loss, parameters: parameters, hasWeight: weight != nil)
        let operands = [input, target] + (weight.map { [$0] } ?? [])
        // The loss's own kernel runs once; its work is a few passes over the input.
        return try add(.loss(call), operands, shape: [], at: location)
    }

    /// The name within two edits of `name`, if any.
    static func nearest(_ name: String, in names: [String]) -> String? {
        let query = Array(name.utf8)
        let scored = names.map { ($0, LossRegistry.distance(query, Array($0.utf8))) }.min { $0.1 < $1.1 }
        guard let scored, scored.1 <= 2 else { return nil }
        return scored.0
    }
}

extension LossRegistry {
    /// Levenshtein distance, for suggestions.
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + [Int](repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                row[j] = Swift.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}
