import LossCore

/// A compiled loss expression (EXPRESSIONS.md): parse once, evaluate on many requests.
///
/// ``init(source:limits:sourceName:)`` lexes and parses, checking the source-size, node and
/// nesting limits. ``evaluate(_:)`` binds the program to one request's tensors and parameters
/// (names resolved, shapes inferred, broadcasts and the work budget checked — all before
/// anything runs), evaluates it in the input's float dtype and differentiates it in reverse mode.
public struct ExpressionProgram: Sendable {
    /// The source text.
    public let source: String
    /// What the source is called in error messages.
    public let sourceName: String
    let program: Program
    let limits: ExpressionLimits
    private let text: SourceText

    /// Parses `source`.
    /// - Parameters:
    ///   - source: The program text.
    ///   - limits: Size, node, nesting and work limits.
    ///   - sourceName: How messages name the source (`expression`, or a definition's file).
    /// - Throws: ``ExpressionError`` with line, column and caret line.
    public init(source: String, limits: ExpressionLimits = .standard, sourceName: String = "expression") throws(ExpressionError) {
        self.source = source
        self.sourceName = sourceName
        self.limits = limits
        guard source.utf8.count <= limits.maxSourceBytes else {
            throw ExpressionError(.limitExceeded, "the expression is \(source.utf8.count) bytes, more than the limit of \(limits.maxSourceBytes)",
                                  sourceName: sourceName)
        }
        text = SourceText(source)
        do {
            program = try Parser.parse(text, limits: limits)
        } catch {
            var error = error.attached(to: text)
            error.sourceName = sourceName
            throw error
        }
    }

    /// Evaluates the program on one request.
    /// - Returns: The loss (reduced as `request.reduction` says) and the gradients asked for.
    /// - Throws: ``ExpressionError`` for unusable tensors, parameters or shapes.
    public func evaluate(_ request: ExpressionRequest) throws(ExpressionError) -> ExpressionResult {
        do {
            return try ExpressionRun(program: program, limits: limits, request: request).run()
        } catch {
            var error = error.attached(to: text)
            error.sourceName = sourceName
            throw error
        }
    }
}

/// What one evaluation of an ``ExpressionProgram`` reads.
public struct ExpressionRequest: Sendable {
    /// The request's tensors by name; `input` is required and sets the compute dtype.
    public var tensors: [String: Tensor]
    /// Parameters the expression may name (numbers and booleans).
    public var parameters: [String: ParameterValue]
    /// `mean`, `sum` or `none`: how a non-scalar value is reduced.
    public var reduction: String
    /// Upstream gradient: a scalar for a reduced loss, the loss's shape for `none`; default ones.
    public var gradOutput: Tensor?
    /// The float tensors to differentiate with respect to, in response order.
    public var wrt: [String]
    /// The catalog for loss calls inside the expression.
    public var registry: LossRegistry

    /// Creates a request.
    public init(tensors: [String: Tensor], parameters: [String: ParameterValue] = [:], reduction: String = "mean",
                gradOutput: Tensor? = nil, wrt: [String] = ["input"], registry: LossRegistry = .standard) {
        self.tensors = tensors
        self.parameters = parameters
        self.reduction = reduction
        self.gradOutput = gradOutput
        self.wrt = wrt
        self.registry = registry
    }
}

/// The loss and gradients of one evaluation, in the input's dtype.
public struct ExpressionResult: Sendable, Equatable {
    /// The loss: shape `[]` when reduced (or scalar), the value's shape for `reduction: none`.
    public var loss: Tensor
    /// d(loss)/d(tensor) for each name of ``ExpressionRequest/wrt``, in that order, shaped as the tensor.
    public var gradients: [Gradient]

    /// One gradient.
    public struct Gradient: Sendable, Equatable {
        /// The tensor's name.
        public var name: String
        /// d(loss)/d(tensor).
        public var gradient: Tensor
    }

    /// The gradient with respect to `name`.
    public func gradient(_ name: String) -> Tensor? { gradients.first { $0.name == name }?.gradient }
}
