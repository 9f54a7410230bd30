import LossCore

extension GraphBuilder {
    /// Lowers `name(arguments)`: a function of the language or a loss of the catalog.
    mutating func call(_ name: String, _ arguments: [Syntax.Argument], at location: SourceLocation) throws(ExpressionError) -> Int {
        if let function = FunctionTable.unary[name] {
            let args = try CallArguments(name, arguments, positional: 1, keywords: [], at: location)
            return try unary(function, try lower(args.positional[0]), at: location)
        }
        if let reduction = FunctionTable.reductions[name] {
            var args = try CallArguments(name, arguments, positional: 1...2, keywords: ["axis", "dim", "keepdim"], at: location)
            let operand = try lower(args.positional[0])
            let axisSyntax = try args.take("axis", alias: "dim", position: 1)
            let keepdim = try args.take("keepdim").map { (s) throws(ExpressionError) in try flag(s, "keepdim") } ?? false
            let shape = nodes[operand].shape
            guard let axisSyntax else {
                return try add(.reduce(reduction, axis: nil, keepdim: keepdim), [operand],
                               shape: keepdim ? shape.map { _ in 1 } : [], at: location)
            }
            let axis = try self.axis(axisSyntax, rank: shape.count, function: name)
            var reduced = shape
            if keepdim { reduced[axis] = 1 } else { reduced.remove(at: axis) }
            return try add(.reduce(reduction, axis: axis, keepdim: keepdim), [operand], shape: reduced, at: location)
        }
        switch name {
        case "min", "max", "pow":
            let args = try CallArguments(name, arguments, positional: 2, keywords: [], at: location)
            let op: BinaryOperator = name == "min" ? .minimum : (name == "max" ? .maximum : .power)
            return try binary(op, try lower(args.positional[0]), try lower(args.positional[1]), at: location)
        case "clamp":
            var args = try CallArguments(name, arguments, positional: 1...3, keywords: ["min", "max"], at: location)
            let x = try lower(args.positional[0])
            let low = try args.take("min", position: 1).map { (s) throws(ExpressionError) in try lower(s) }
            let high = try args.take("max", position: 2).map { (s) throws(ExpressionError) in try lower(s) }
            guard low != nil || high != nil else { throw ExpressionError("clamp needs 'min', 'max' or both", at: location) }
            var shape = nodes[x].shape
            for bound in [low, high].compactMap({ $0 }) { shape = try broadcast(shape, nodes[bound].shape, at: location) }
            return try add(.clamp(hasMin: low != nil, hasMax: high != nil), [x] + [low, high].compactMap { $0 },
                           shape: shape, at: location)
        case "where":
            let args = try CallArguments(name, arguments, positional: 3, keywords: [], at: location)
            let operands = try args.positional.map { (s) throws(ExpressionError) in try lower(s) }
            let shape = try broadcast(try broadcast(nodes[operands[0]].shape, nodes[operands[1]].shape, at: location),
                                      nodes[operands[2]].shape, at: location)
            return try add(.select, operands, shape: shape, at: location)
        case "softmax", "log_softmax":
            var args = try CallArguments(name, arguments, positional: 1...2, keywords: ["axis", "dim"], at: location)
            let operand = try lower(args.positional[0])
            let shape = nodes[operand].shape
            let axisSyntax = try args.take("axis", alias: "dim", position: 1)
            guard !shape.isEmpty else { throw ExpressionError("\(name) needs a tensor of rank ≥ 1", at: location) }
            // Default axis 1 (classes of NCHW); a vector has only axis 0.
            let axis = try axisSyntax.map { (s) throws(ExpressionError) in try self.axis(s, rank: shape.count, function: name) }
                ?? (shape.count > 1 ? 1 : 0)
            return try add(.softmax(axis: axis, log: name == "log_softmax"), [operand], shape: shape, at: location)
        case "one_hot":
            var args = try CallArguments(name, arguments, positional: 1...2, keywords: ["classes", "num_classes"], at: location)
            let target = try lower(args.positional[0])
            guard let classSyntax = try args.take("classes", alias: "num_classes", position: 1) else {
                throw ExpressionError("one_hot needs the number of classes: one_hot(target, classes)", at: location)
            }
            let classes = try integer(classSyntax, "classes")
            guard classes >= 1, classes <= 1 << 20 else {
                throw ExpressionError("one_hot classes must be in 1…1048576, got \(classes)", at: classSyntax.location)
            }
            var shape = nodes[target].shape
            shape.insert(classes, at: min(1, shape.count))
            return try add(.oneHot(classes: classes), [target], shape: shape, at: location, differentiable: false)
        default:
            return try lossCall(name, arguments, at: location)
        }
    }

    /// A constant integer argument (folded: `-1` and parameters work).
    mutating func integer(_ syntax: Syntax, _ what: String) throws(ExpressionError) -> Int {
        let node = try lower(syntax)
        guard let value = constant(node), value == value.rounded(), Swift.abs(value) < 1e9 else {
            throw ExpressionError("'\(what)' must be a constant integer", at: syntax.location)
        }
        return Int(value)
    }

    /// A constant boolean argument.
    mutating func flag(_ syntax: Syntax, _ what: String) throws(ExpressionError) -> Bool {
        let node = try lower(syntax)
        guard let value = constant(node), value == 0 || value == 1 else {
            throw ExpressionError("'\(what)' must be true or false", at: syntax.location)
        }
        return value == 1
    }

    /// An axis for a tensor of `rank`, negative counting from the end.
    mutating func axis(_ syntax: Syntax, rank: Int, function: String) throws(ExpressionError) -> Int {
        let value = try integer(syntax, "axis")
        guard rank > 0, value >= -rank, value < rank else {
            throw ExpressionError("axis \(value) is out of range for a tensor of rank \(rank)", at: syntax.location)
        }
        return value < 0 ? value + rank : value
    }
}
