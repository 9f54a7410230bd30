extension Evaluator {
    /// Reverse-mode differentiation: propagates `seed` (d loss / d output, the output's shape)
    /// back through the graph in reverse order and returns each tensor node's gradient by name.
    /// Nodes off the path to a `wrt` tensor are skipped; a tensor the output does not depend on
    /// gets no entry (the caller answers zeros).
    func backward(seed: [T]) -> [String: [T]] {
        var grads = [[T]?](repeating: nil, count: graph.nodes.count)
        grads[graph.output] = seed
        func accumulate(_ node: Int, _ gradient: [T]) {
            guard graph.nodes[node].needsGrad else { return }
            if let existing = grads[node] {
                grads[node] = zip(existing, gradient).map { $0 + $1 }
            } else {
                grads[node] = gradient
            }
        }
        for index in graph.nodes.indices.reversed() {
            let node = graph.nodes[index]
            guard node.needsGrad, let g = grads[index] else { continue }
            if case .tensor = node.op { continue }
            for (operand, gradient) in operandGradients(index, node, g) {
                // Elementwise contributions have the node's shape: sum them down to a broadcast operand's.
                let target = graph.nodes[operand]
                accumulate(operand, gradient.count == target.count ? gradient
                           : Elementwise.reduce(gradient, from: node.shape, to: target.shape))
            }
        }
        var result: [String: [T]] = [:]
        for (name, node) in graph.tensorNodes { if let g = grads[node] { result[name] = g } }
        return result
    }

    /// The gradient contributions of one node to its operands, each of the node's shape (or
    /// already the operand's), for the operands that need one.
    private func operandGradients(_ index: Int, _ node: Graph.Node, _ g: [T]) -> [(Int, [T])] {
        let operands = node.inputs
        let y = values[index]
        func needs(_ k: Int) -> Bool { graph.nodes[operands[k]].needsGrad }
        func operand(_ k: Int) -> Elementwise.Operand<T> {
            Elementwise.Operand(values[operands[k]], graph.nodes[operands[k]].shape, to: node.shape)
        }
        switch node.op {
        case .tensor, .constant, .oneHot:
            return []
        case .unary(let function):
            let x = values[operands[0]]
            // relu and sign select rather than multiply (PyTorch's threshold_backward, zeros_like):
            // an infinite upstream gradient stays out of where the derivative is 0.
            if function == .relu || function == .sign {
                return [(operands[0], (0..<node.count).map { function.derivative(x[$0], y[$0]) == 0 ? 0 : g[$0] })]
            }
            return [(operands[0], (0..<node.count).map { g[$0] * function.derivative(x[$0], y[$0]) })]
        case .binary(let op):
            let a = operand(0), b = operand(1)
            var result: [(Int, [T])] = []
            if op == .minimum || op == .maximum {
                // Masked as PyTorch's minimum/maximum backward: the unchosen side gets exactly 0.
                func masked(_ d: T, _ g: T) -> T { d == 0 ? 0 : (d == 1 ? g : g / 2) }
                if needs(0) { result.append((operands[0], (0..<node.count).map { masked(op.derivativeLeft(a[$0], b[$0], y[$0]), g[$0]) })) }
                if needs(1) { result.append((operands[1], (0..<node.count).map { masked(op.derivativeRight(a[$0], b[$0], y[$0]), g[$0]) })) }
                return result
            }
            if needs(0) { result.append((operands[0], (0..<node.count).map { g[$0] * op.derivativeLeft(a[$0], b[$0], y[$0]) })) }
            if needs(1) { result.append((operands[1], (0..<node.count).map { g[$0] * op.derivativeRight(a[$0], b[$0], y[$0]) })) }
            return result
        case .clamp(let hasMin, let hasMax):
            return clampGradients(node, g, hasMin: hasMin, hasMax: hasMax, operand: operand, needs: needs)
        case .select:
            let c = operand(0)
            var result: [(Int, [T])] = []
            if needs(1) { result.append((operands[1], (0..<node.count).map { c[$0] != 0 ? g[$0] : 0 })) }
            if needs(2) { result.append((operands[2], (0..<node.count).map { c[$0] != 0 ? 0 : g[$0] })) }
            return result
        case .reduce(let function, let axis, _):
            let x = values[operands[0]]
            return [(operands[0], Reductions.backward(function, x, y, g, shape: graph.nodes[operands[0]].shape, axis: axis))]
        case .softmax(let axis, let log):
            return [(operands[0], Reductions.softmaxBackward(y, g, shape: node.shape, axis: axis, log: log))]
        case .loss:
            let upstream = g[0]
            return [(operands[0], (lossGradients[index] ?? []).map { $0 * upstream })]
        }
    }

    /// PyTorch's clamp backward: x gets the gradient where min ≤ x ≤ max (bounds included);
    /// min where x < min (and min < max), max where x > max (or max < min).
    private func clampGradients(_ node: Graph.Node, _ g: [T], hasMin: Bool, hasMax: Bool,
                                operand: (Int) -> Elementwise.Operand<T>, needs: (Int) -> Bool) -> [(Int, [T])] {
        let operands = node.inputs
        let x = operand(0)
        let low = hasMin ? operand(1) : nil
        let high = hasMax ? operand(hasMin ? 2 : 1) : nil
        var result: [(Int, [T])] = []
        if needs(0) {
            result.append((operands[0], (0..<node.count).map { i in
                let aboveLow = low.map { x[i] >= $0[i] } ?? true
                let belowHigh = high.map { x[i] <= $0[i] } ?? true
                return aboveLow && belowHigh ? g[i] : 0
            }))
        }
        if let low, needs(1) {
            result.append((operands[1], (0..<node.count).map { i in
                x[i] < low[i] && (high.map { low[i] < $0[i] } ?? true) ? g[i] : 0
            }))
        }
        if let high, needs(hasMin ? 2 : 1) {
            result.append((operands[hasMin ? 2 : 1], (0..<node.count).map { i in
                x[i] > high[i] || (low.map { high[i] < $0[i] } ?? false) ? g[i] : 0
            }))
        }
        return result
    }
}
