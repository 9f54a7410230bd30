/// Bounds on what one expression may cost, checked before anything large is allocated.
///
/// Parsing is bounded by ``maxSourceBytes``, ``maxNodes`` and ``maxDepth`` (the parser is
/// recursive-descent, so depth is also stack depth). Evaluation is bounded by ``workBudget``:
/// the sum over graph nodes of their element counts (each node is one pass forward and at most
/// one backward), known from the request's shapes before the first pass runs.
public struct ExpressionLimits: Sendable, Equatable {
    /// Largest source, in UTF-8 bytes. Default 64 KiB.
    public var maxSourceBytes: Int
    /// Most syntax nodes (numbers, names, operators, calls). Default 10,000.
    public var maxNodes: Int
    /// Deepest nesting of parentheses, calls and operators. Default 256.
    public var maxDepth: Int
    /// Most element-operations: Σ over nodes of their element count. Default 2³⁰.
    public var workBudget: Int
    /// Most elements of any one intermediate tensor (stops a huge broadcast). Default 2²⁸.
    public var maxElements: Int

    /// Creates limits; every argument defaults to the documented default.
    public init(maxSourceBytes: Int = 65_536, maxNodes: Int = 10_000, maxDepth: Int = 256,
                workBudget: Int = 1 << 30, maxElements: Int = 1 << 28) {
        self.maxSourceBytes = maxSourceBytes
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
        self.workBudget = workBudget
        self.maxElements = maxElements
    }

    /// The defaults of EXPRESSIONS.md.
    public static let standard = ExpressionLimits()
}
