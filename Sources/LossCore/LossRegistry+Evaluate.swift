/// The tensors of one request, before any dtype conversion.
public struct LossInputs: Sendable {
    /// Predictions.
    public var input: Tensor
    /// Targets.
    public var target: Tensor
    /// Optional weight.
    public var weight: Tensor?
    /// Optional variance (`gaussian_nll`).
    public var variance: Tensor?
    /// Optional upstream gradient.
    public var gradOutput: Tensor?

    /// Creates the inputs of one evaluation.
    public init(input: Tensor, target: Tensor, weight: Tensor? = nil, variance: Tensor? = nil, gradOutput: Tensor? = nil) {
        self.input = input
        self.target = target
        self.weight = weight
        self.variance = variance
        self.gradOutput = gradOutput
    }
}

/// A computed loss and gradient as tensors, in the input's dtype.
public struct LossResult: Sendable, Equatable {
    /// The loss: shape `[]` when reduced.
    public var loss: Tensor
    /// d(loss)/d(input), shaped and typed as the input.
    public var grad: Tensor

    /// Creates a result (for evaluators outside the registry, such as the expression engine).
    public init(loss: Tensor, grad: Tensor) {
        self.loss = loss
        self.grad = grad
    }
}

extension LossRegistry {
    /// Validates parameters and evaluates a loss on tensors.
    ///
    /// float32 and float64 inputs compute natively; float16 and bfloat16 compute in float32
    /// and their loss and gradient are narrowed back to the input's dtype.
    /// - Parameters:
    ///   - loss: The loss type (from ``loss(named:)``).
    ///   - parameters: Raw parameter values from the client.
    ///   - inputs: The tensors.
    /// - Throws: ``LossError`` for unusable parameters or tensors.
    public func evaluate(_ loss: any Loss.Type, parameters: [String: ParameterValue],
                         inputs: LossInputs) throws(LossError) -> LossResult {
        let instance = try prepare(loss, parameters: parameters, inputs: inputs)
        switch inputs.input.dtype {
        case .float64:
            let output = try LossOutput<Double>.filling(count: inputs.input.count) { (gradient) throws(LossError) in
                try instance.compute(Self.batch(inputs, as: Double.self), gradient: gradient)
            }
            return LossResult(loss: Tensor(unchecked: output.lossShape, storage: .float64(output.loss)),
                              grad: Tensor(unchecked: inputs.input.shape, storage: .float64(output.grad)))
        case .float32:
            let output = try LossOutput<Float>.filling(count: inputs.input.count) { (gradient) throws(LossError) in
                try instance.compute(Self.batch(inputs, as: Float.self), gradient: gradient)
            }
            return LossResult(loss: Tensor(unchecked: output.lossShape, storage: .float32(output.loss)),
                              grad: Tensor(unchecked: inputs.input.shape, storage: .float32(output.grad)))
        case .float16:
            let output = try instance.compute(Self.batch(inputs, as: Float.self))
            return LossResult(loss: Tensor(unchecked: output.lossShape, storage: .float16(output.loss.map(HalfPrecision.half))),
                              grad: Tensor(unchecked: inputs.input.shape, storage: .float16(output.grad.map(HalfPrecision.half))))
        case .bfloat16:
            let output = try instance.compute(Self.batch(inputs, as: Float.self))
            return LossResult(loss: Tensor(unchecked: output.lossShape, storage: .bfloat16(output.loss.map(HalfPrecision.bfloat16))),
                              grad: Tensor(unchecked: inputs.input.shape, storage: .bfloat16(output.grad.map(HalfPrecision.bfloat16))))
        default:
            throw Self.nonFloatInput(inputs.input)
        }
    }

    /// Validates parameters and evaluates a loss, writing the gradient into `gradient` — for example
    /// the gradient's place in a response body — instead of allocating it.
    ///
    /// `gradient` receives the input's element count in the input's dtype (little-endian, as in
    /// memory); its start must be aligned to that dtype's size. Nothing else is written.
    /// - Parameters:
    ///   - loss: The loss type (from ``loss(named:)``).
    ///   - parameters: Raw parameter values from the client.
    ///   - inputs: The tensors.
    ///   - gradient: Exactly `inputs.input.count × itemSize` bytes, aligned to `itemSize`.
    /// - Returns: The loss tensor, in the input's dtype.
    /// - Throws: ``LossError`` for unusable parameters or tensors; `gradient`'s contents are then unspecified.
    public func evaluate(_ loss: any Loss.Type, parameters: [String: ParameterValue], inputs: LossInputs,
                         gradientInto gradient: UnsafeMutableRawBufferPointer) throws(LossError) -> Tensor {
        let dtype = inputs.input.dtype
        let count = inputs.input.count
        precondition(gradient.count == count * dtype.itemSize, "gradient buffer must hold the input's elements")
        precondition(count == 0 || Int(bitPattern: gradient.baseAddress) % dtype.itemSize == 0,
                     "gradient buffer must be aligned to its dtype")
        let instance = try prepare(loss, parameters: parameters, inputs: inputs)
        switch dtype {
        case .float64:
            let value = try instance.compute(Self.batch(inputs, as: Double.self), gradient: gradient.bindMemory(to: Double.self))
            return Tensor(unchecked: value.lossShape, storage: .float64(value.loss))
        case .float32:
            let value = try instance.compute(Self.batch(inputs, as: Float.self), gradient: gradient.bindMemory(to: Float.self))
            return Tensor(unchecked: value.lossShape, storage: .float32(value.loss))
        case .float16, .bfloat16:
            let result = try evaluate(loss, parameters: parameters, inputs: inputs)
            result.grad.withUnsafeBytes { gradient.copyMemory(from: $0) }
            return result.loss
        default:
            throw Self.nonFloatInput(inputs.input)
        }
    }

    /// The checks every evaluation starts with, and the configured loss.
    private func prepare(_ loss: any Loss.Type, parameters: [String: ParameterValue],
                         inputs: LossInputs) throws(LossError) -> any Loss {
        let validated = try Parameters(parameters, specs: loss.descriptor.parameters)
        let instance = try loss.init(parameters: validated)
        try Self.checkDTypes(inputs, for: loss.descriptor)
        try Self.checkIgnoreIndex(parameters["ignore_index"], target: inputs.target)
        if !loss.validatesTargetFiniteness, !inputs.target.allFinite {
            throw Self.nonFiniteTarget
        }
        guard inputs.input.dtype.isFloatingPoint else { throw Self.nonFloatInput(inputs.input) }
        return instance
    }

    /// The error for a non-finite floating-point target.
    public static let nonFiniteTarget = LossError(.invalidValue, "'target' contains NaN or infinity", field: "target")

    private static func nonFloatInput(_ input: Tensor) -> LossError {
        LossError(.invalidDType, "'input' must be a floating-point tensor, got \(input.dtype.rawValue)", field: "input")
    }

    private static func batch<T: LossFloat>(_ inputs: LossInputs, as type: T.Type) -> LossBatch<T> {
        LossBatch(input: inputs.input.values(as: T.self), shape: inputs.input.shape, target: inputs.target,
                  weight: inputs.weight, variance: inputs.variance, gradOutput: inputs.gradOutput)
    }

    /// An explicit `ignore_index` outside the target dtype's range could never match a pixel:
    /// almost certainly a mistake (e.g. 255 meant for a uint8 mask sent as bool), so it is refused.
    private static func checkIgnoreIndex(_ value: ParameterValue?, target: Tensor) throws(LossError) {
        guard case .number(let index)? = value else { return }
        let range: ClosedRange<Double>? = switch target.dtype {
        case .uint8: 0...255
        case .bool: 0...1
        case .int32: Double(Int32.min)...Double(Int32.max)
        default: nil
        }
        guard let range, !range.contains(index) else { return }
        throw LossError(.invalidParameter,
                        "parameter 'ignore_index' is \(ParameterValue.number(index)), which a \(target.dtype.rawValue) target can never hold",
                        field: "ignore_index")
    }

    /// Checks that `inputs` carries only tensors `descriptor` takes, in the dtypes it lists, and every required one.
    /// - Throws: ``LossError`` naming the tensor.
    public static func checkDTypes(_ inputs: LossInputs, for descriptor: LossDescriptor) throws(LossError) {
        let present: [(String, Tensor?)] = [("input", inputs.input), ("target", inputs.target), ("weight", inputs.weight),
                                            ("var", inputs.variance), ("grad_output", inputs.gradOutput)]
        for (name, tensor) in present {
            guard let tensor else { continue }
            guard let spec = descriptor.inputs.first(where: { $0.name == name }) else {
                if name == "grad_output" {
                    guard tensor.dtype.isFloatingPoint else {
                        throw LossError(.invalidDType, "'grad_output' must be floating point", field: name)
                    }
                    continue
                }
                throw LossError(.invalidTensor, "loss '\(descriptor.name)' takes no '\(name)' tensor", field: name)
            }
            guard spec.dtypes.contains(tensor.dtype) else {
                throw LossError(.invalidDType,
                                "'\(name)' must be one of \(spec.dtypes.map(\.rawValue).joined(separator: ", ")), got \(tensor.dtype.rawValue)",
                                field: name)
            }
        }
        for spec in descriptor.inputs where spec.required {
            if spec.name == "var", inputs.variance == nil {
                throw LossError(.missingTensor, "loss '\(descriptor.name)' needs a 'var' tensor", field: "var")
            }
        }
    }
}
