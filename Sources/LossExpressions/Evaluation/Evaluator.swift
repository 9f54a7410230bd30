import LossCore

/// Runs a ``Graph`` forward in the compute type `T` (float32 or float64); reductions accumulate
/// in `Double`. One thread, a fixed order per node: results are bitwise identical from run to
/// run, whatever the machine's core count or load.
///
/// Drive it with ``forward()``, then ``backward(seed:)`` (Evaluator+Backward.swift) for gradients.
struct Evaluator<T: ExpressionFloat> {
    let graph: Graph
    let tensors: [String: Tensor]
    let registry: LossRegistry
    /// Node values, filled by ``forward()``.
    var values: [[T]]
    /// For each loss-call node, its gradient with respect to its input for an upstream 1.
    var lossGradients: [Int: [T]] = [:]

    init(graph: Graph, tensors: [String: Tensor], registry: LossRegistry) {
        self.graph = graph
        self.tensors = tensors
        self.registry = registry
        self.values = Array(repeating: [], count: graph.nodes.count)
    }

    /// Evaluates every node in order.
    mutating func forward() throws(ExpressionError) {
        for index in graph.nodes.indices {
            values[index] = try evaluate(index)
        }
    }

    private mutating func evaluate(_ index: Int) throws(ExpressionError) -> [T] {
        let node = graph.nodes[index]
        let operands = node.inputs
        switch node.op {
        case .tensor(let name):
            return tensors[name]!.values(as: T.self)
        case .constant(let value):
            return [T(value)]
        case .unary(let function):
            return values[operands[0]].map { function.apply($0) }
        case .binary(let op):
            return Elementwise.binary(values[operands[0]], graph.nodes[operands[0]].shape,
                                      values[operands[1]], graph.nodes[operands[1]].shape, to: node.shape) { op.apply($0, $1) }
        case .clamp(let hasMin, let hasMax):
            let parts = operands.map { Elementwise.Operand(values[$0], graph.nodes[$0].shape, to: node.shape) }
            let low = hasMin ? parts[1] : nil
            let high = hasMax ? parts[hasMin ? 2 : 1] : nil
            return (0..<node.count).map { i in
                var y = parts[0][i]
                if let low { let l = low[i]; y = y.isNaN ? y : (y < l ? l : y) }
                if let high { let h = high[i]; y = y.isNaN ? y : (y > h ? h : y) }
                return y
            }
        case .select:
            let parts = operands.map { Elementwise.Operand(values[$0], graph.nodes[$0].shape, to: node.shape) }
            return (0..<node.count).map { i in parts[0][i] != 0 ? parts[1][i] : parts[2][i] }
        case .reduce(let function, let axis, _):
            return Reductions.forward(function, values[operands[0]], shape: graph.nodes[operands[0]].shape, axis: axis)
        case .softmax(let axis, let log):
            return Reductions.softmax(values[operands[0]], shape: node.shape, axis: axis, log: log)
        case .oneHot(let classes):
            return try oneHot(values[operands[0]], shape: graph.nodes[operands[0]].shape, classes: classes, at: node.location)
        case .loss(let call):
            return try loss(call, node: node, index: index)
        }
    }

    private func oneHot(_ target: [T], shape: [Int], classes: Int, at location: SourceLocation) throws(ExpressionError) -> [T] {
        let batch = shape.first ?? 1
        let inner = shape.count > 1 ? shape[1...].reduce(1, *) : 1
        var result = [T](repeating: 0, count: batch * classes * inner)
        for n in 0..<batch {
            for i in 0..<inner {
                let value = target[n * inner + i]
                guard value == value.rounded() else {
                    throw ExpressionError(.invalidInput, "one_hot needs integer class indices, found \(value)", at: location)
                }
                // An index outside [0, classes) gives an all-zero row (ignore_index pixels drop out).
                guard value >= 0, value < T(classes) else { continue }
                result[(n * classes + Int(value)) * inner + i] = 1
            }
        }
        return result
    }

    /// A catalog loss, evaluated by the registry; its gradient is kept for the backward pass.
    private mutating func loss(_ call: BuiltinLossCall, node: Graph.Node, index: Int) throws(ExpressionError) -> [T] {
        func tensor(_ operand: Int) -> Tensor {
            if case .tensor(let name) = graph.nodes[operand].op, let original = tensors[name] { return original }
            return Tensor(unchecked: graph.nodes[operand].shape, storage: T.storage(values[operand]))
        }
        let inputs = LossInputs(input: tensor(node.inputs[0]), target: tensor(node.inputs[1]),
                                weight: call.hasWeight ? tensor(node.inputs[2]) : nil)
        let name = call.loss.descriptor.name
        let result: LossResult
        do {
            result = try registry.evaluate(call.loss, parameters: call.parameters, inputs: LossInputs(
                input: Tensor(unchecked: inputs.input.shape, storage: T.storage(inputs.input.values(as: T.self))),
                target: inputs.target, weight: inputs.weight))
        } catch {
            throw ExpressionError(.invalidInput, "\(name): \(error.message)", at: node.location, field: error.field ?? "expression")
        }
        if node.needsGrad { lossGradients[index] = result.grad.values(as: T.self) }
        return result.loss.values(as: T.self)
    }
}
