import LossCore

/// One evaluation: checks the request, builds the graph, runs it forward and backward in the
/// compute type, reduces the value and packages the result in the input's dtype.
struct ExpressionRun {
    let program: Program
    let limits: ExpressionLimits
    let request: ExpressionRequest

    func run() throws(ExpressionError) -> ExpressionResult {
        guard let input = request.tensors["input"] else {
            throw ExpressionError(.invalidInput, "the request has no 'input' tensor", field: "input")
        }
        guard input.dtype.isFloatingPoint else {
            throw ExpressionError(.invalidInput, "'input' must be a floating-point tensor, got \(input.dtype.rawValue)", field: "input")
        }
        guard ["mean", "sum", "none"].contains(request.reduction) else {
            throw ExpressionError(.invalidInput, "parameter 'reduction' must be one of 'mean', 'sum', 'none', got '\(request.reduction.prefix(32))'",
                                  field: "reduction")
        }
        var seen = Set<String>()
        for name in request.wrt {
            guard seen.insert(name).inserted else {
                throw ExpressionError(.invalidInput, "'wrt' names '\(name)' twice", field: "wrt")
            }
            guard let tensor = request.tensors[name] else {
                throw ExpressionError(.invalidInput, "'wrt' names '\(name.prefix(64))', which is not a tensor of the request", field: "wrt")
            }
            guard tensor.dtype.isFloatingPoint else {
                throw ExpressionError(.invalidInput, "'wrt' names '\(name)', a \(tensor.dtype.rawValue) tensor; only float tensors have gradients",
                                      field: "wrt")
            }
        }
        let computeType: DType = input.dtype == .float64 ? .float64 : .float32
        var builder = GraphBuilder(tensors: request.tensors, parameters: request.parameters, wrt: Set(request.wrt),
                                   registry: request.registry, limits: limits)
        let graph = try builder.build(program, computeType: computeType)
        return computeType == .float64 ? try run(graph, as: Double.self) : try run(graph, as: Float.self)
    }

    private func run<T: ExpressionFloat>(_ graph: Graph, as type: T.Type) throws(ExpressionError) -> ExpressionResult {
        var evaluator = Evaluator<T>(graph: graph, tensors: request.tensors, registry: request.registry)
        try evaluator.forward()
        let output = graph.nodes[graph.output]
        let value = evaluator.values[graph.output]
        let (loss, lossShape, seedScale) = reduce(value, shape: output.shape)
        let seed = try self.seed(lossShape: lossShape, outputCount: output.count, scale: seedScale, as: T.self)
        let wanted = graph.nodes.contains { $0.needsGrad }
        let grads = wanted ? evaluator.backward(seed: seed) : [:]
        var gradients: [ExpressionResult.Gradient] = []
        for name in request.wrt {
            let tensor = request.tensors[name]!
            let values = grads[name] ?? [T](repeating: 0, count: tensor.count)
            gradients.append(.init(name: name, gradient: Self.tensor(values, shape: tensor.shape, dtype: tensor.dtype)))
        }
        return ExpressionResult(loss: Self.tensor(loss, shape: lossShape, dtype: request.tensors["input"]!.dtype),
                                gradients: gradients)
    }

    /// The loss after `reduction`, its shape, and the factor the upstream gradient is spread with.
    private func reduce<T: ExpressionFloat>(_ value: [T], shape: [Int]) -> ([T], [Int], Double?) {
        if shape.isEmpty || request.reduction == "none" { return (value, shape, nil) }
        var total = 0.0
        for v in value { total += Double(v) }
        if request.reduction == "mean" {
            return ([T(total / Double(value.count))], [], 1 / Double(value.count))
        }
        return ([T(total)], [], 1)
    }

    /// d(loss)/d(value): `grad_output` spread over the reduced elements, or as given for `none`.
    private func seed<T: ExpressionFloat>(lossShape: [Int], outputCount: Int, scale: Double?, as: T.Type) throws(ExpressionError) -> [T] {
        let count = lossShape.reduce(1, *)
        guard let gradOutput = request.gradOutput else {
            return [T](repeating: scale.map { T($0) } ?? 1, count: scale == nil ? count : outputCount)
        }
        guard gradOutput.dtype.isFloatingPoint else {
            throw ExpressionError(.invalidInput, "'grad_output' must be floating point", field: "grad_output")
        }
        let upstream: [T] = gradOutput.values(as: T.self)
        if let scale {
            guard upstream.count == 1 else {
                throw ExpressionError(.invalidInput, "'grad_output' must be a scalar for a reduced loss, got shape \(Shapes.show(gradOutput.shape))",
                                      field: "grad_output")
            }
            return [T](repeating: upstream[0] * T(scale), count: outputCount)
        }
        guard gradOutput.shape == lossShape || (upstream.count == 1 && count == 1) else {
            throw ExpressionError(.invalidInput, "'grad_output' has shape \(Shapes.show(gradOutput.shape)) but the loss has shape \(Shapes.show(lossShape))",
                                  field: "grad_output")
        }
        return upstream
    }

    /// `values` as a tensor of `dtype` (half-precision types narrowed from float32).
    static func tensor<T: ExpressionFloat>(_ values: [T], shape: [Int], dtype: DType) -> Tensor {
        switch dtype {
        case .float64: Tensor(unchecked: shape, storage: .float64(values.map { Double($0) }))
        case .float16: Tensor(unchecked: shape, storage: .float16(values.map { HalfPrecision.half(from: Float($0)) }))
        case .bfloat16: Tensor(unchecked: shape, storage: .bfloat16(values.map { HalfPrecision.bfloat16(from: Float($0)) }))
        default: Tensor(unchecked: shape, storage: .float32(values.map { Float($0) }))
        }
    }
}
