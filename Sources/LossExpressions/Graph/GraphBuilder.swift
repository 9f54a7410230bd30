import LossCore

/// Turns a parsed ``Program`` into a ``Graph`` for one request: resolves names (bindings, then
/// tensors, then parameters), infers every shape, checks every broadcast, axis and argument, and
/// totals the work against ``ExpressionLimits/workBudget`` — all before evaluation allocates
/// anything. Operations on constants only are folded.
struct GraphBuilder {
    /// The request's tensors by name.
    let tensors: [String: Tensor]
    /// The request's (and the definition's) parameters by name.
    let parameters: [String: ParameterValue]
    /// The tensors whose gradients are wanted.
    let wrt: Set<String>
    /// The catalog for loss calls.
    let registry: LossRegistry
    /// Limits.
    let limits: ExpressionLimits

    var nodes: [Graph.Node] = []
    private var bindings: [String: Int] = [:]
    var tensorNodes: [String: Int] = [:]
    private var work = 0

    init(tensors: [String: Tensor], parameters: [String: ParameterValue], wrt: Set<String>,
         registry: LossRegistry, limits: ExpressionLimits) {
        self.tensors = tensors
        self.parameters = parameters
        self.wrt = wrt
        self.registry = registry
        self.limits = limits
    }

    /// Builds the graph of `program`.
    mutating func build(_ program: Program, computeType: DType) throws(ExpressionError) -> Graph {
        for binding in program.bindings {
            if bindings[binding.name] != nil {
                throw ExpressionError("'\(binding.name)' is already bound; a name can be bound only once", at: binding.location)
            }
            if FunctionTable.isReserved(binding.name) {
                throw ExpressionError("'\(binding.name)' is a keyword and cannot be bound", at: binding.location)
            }
            bindings[binding.name] = try lower(binding.value)
        }
        let output = try lower(program.body)
        return Graph(nodes: nodes, output: output, tensorNodes: tensorNodes, computeType: computeType)
    }

    /// Appends a node after checking its size against the limits.
    mutating func add(_ op: Graph.Op, _ inputs: [Int], shape: [Int], at location: SourceLocation,
                      differentiable: Bool = true) throws(ExpressionError) -> Int {
        guard let count = Tensor.elementCount(of: shape), count <= limits.maxElements else {
            throw ExpressionError(.limitExceeded,
                                  "this operation would make a tensor of shape \(Shapes.show(shape)), more than \(limits.maxElements) elements",
                                  at: location)
        }
        let needsGrad = differentiable && inputs.contains { nodes[$0].needsGrad }
        let (total, overflow) = work.addingReportingOverflow(needsGrad ? 2 * count : count)
        guard !overflow, total <= limits.workBudget else {
            throw ExpressionError(.limitExceeded,
                                  "the expression needs more than \(limits.workBudget) element operations on these tensors",
                                  at: location)
        }
        work = total
        nodes.append(Graph.Node(op: op, inputs: inputs, shape: shape, location: location, needsGrad: needsGrad, count: count))
        return nodes.count - 1
    }

    /// The folded value of a constant node.
    func constant(_ node: Int) -> Double? {
        if case .constant(let value) = nodes[node].op { return value }
        return nil
    }

    mutating func constantNode(_ value: Double, at location: SourceLocation) throws(ExpressionError) -> Int {
        try add(.constant(value), [], shape: [], at: location)
    }

    mutating func lower(_ syntax: Syntax) throws(ExpressionError) -> Int {
        switch syntax.kind {
        case .number(let value): return try constantNode(value, at: syntax.location)
        case .bool(let value): return try constantNode(value ? 1 : 0, at: syntax.location)
        case .name(let name): return try resolve(name, at: syntax.location)
        case .negate(let operand):
            return try unary(.negate, try lower(operand), at: syntax.location)
        case .binary(let symbol, let left, let right):
            guard let op = BinaryOperator(symbol: symbol) else {
                throw ExpressionError("unknown operator '\(symbol)'", at: syntax.location)
            }
            return try binary(op, try lower(left), try lower(right), at: syntax.location)
        case .call(let name, let arguments):
            return try call(name, arguments, at: syntax.location)
        }
    }

    private mutating func resolve(_ name: String, at location: SourceLocation) throws(ExpressionError) -> Int {
        if let node = bindings[name] { return node }
        if let node = tensorNodes[name] { return node }
        if let tensor = tensors[name] {
            let differentiable = wrt.contains(name) && tensor.dtype.isFloatingPoint
            guard let count = Tensor.elementCount(of: tensor.shape) else {
                throw ExpressionError(.invalidInput, "tensor '\(name)' has an invalid shape", at: location, field: name)
            }
            nodes.append(Graph.Node(op: .tensor(name), inputs: [], shape: tensor.shape, location: location,
                                    needsGrad: differentiable, count: count))
            tensorNodes[name] = nodes.count - 1
            return nodes.count - 1
        }
        if let value = parameters[name] {
            switch value {
            case .number(let number): return try constantNode(number, at: location)
            case .bool(let flag): return try constantNode(flag ? 1 : 0, at: location)
            default:
                throw ExpressionError(.invalidInput, "parameter '\(name)' is \(value), but an expression can only use numbers and booleans",
                                      at: location, field: name)
            }
        }
        if FunctionTable.isFunction(name) || registry.loss(named: name) != nil {
            throw ExpressionError("'\(name)' is a function; call it as \(name)(...)", at: location)
        }
        let known = (Array(bindings.keys) + Array(tensors.keys) + Array(parameters.keys)).sorted()
        throw ExpressionError("unknown name '\(name)'; known names are \(known.map { "'\($0)'" }.joined(separator: ", "))",
                              at: location)
    }

    mutating func unary(_ function: UnaryFunction, _ operand: Int, at location: SourceLocation) throws(ExpressionError) -> Int {
        if let value = constant(operand) { return try constantNode(function.apply(value), at: location) }
        return try add(.unary(function), [operand], shape: nodes[operand].shape, at: location)
    }

    mutating func binary(_ op: BinaryOperator, _ a: Int, _ b: Int, at location: SourceLocation) throws(ExpressionError) -> Int {
        if let x = constant(a), let y = constant(b) { return try constantNode(op.apply(x, y), at: location) }
        let shape = try broadcast(nodes[a].shape, nodes[b].shape, at: location)
        return try add(.binary(op), [a, b], shape: shape, at: location, differentiable: op.isDifferentiable)
    }

    func broadcast(_ a: [Int], _ b: [Int], at location: SourceLocation) throws(ExpressionError) -> [Int] {
        guard let shape = Shapes.broadcast(a, b) else {
            throw ExpressionError("shapes \(Shapes.show(a)) and \(Shapes.show(b)) do not broadcast", at: location)
        }
        return shape
    }
}
