/// What the catalog says about one loss: names, formula, inputs and parameters.
public struct LossDescriptor: Sendable {
    /// One tensor a loss reads.
    public struct Input: Sendable {
        /// Wire name: `input`, `target`, `weight`, `var`, `grad_output`.
        public var name: String
        /// Accepted dtypes.
        public var dtypes: [DType]
        /// Whether the request must carry it.
        public var required: Bool
        /// Shape rule and meaning, one line.
        public var summary: String

        /// Creates an input description.
        public init(_ name: String, dtypes: [DType], required: Bool = true, _ summary: String) {
            self.name = name
            self.dtypes = dtypes
            self.required = required
            self.summary = summary
        }
    }

    /// Canonical snake_case name.
    public var name: String
    /// Other names that resolve to this loss.
    public var aliases: [String]
    /// One line.
    public var summary: String
    /// The formula, in plain text.
    public var formula: String
    /// The tensors it reads.
    public var inputs: [Input]
    /// The parameters it takes, `reduction` included.
    public var parameters: [ParameterSpec]

    /// The reductions it supports, read from its `reduction` parameter.
    public var reductions: [String] {
        guard let spec = parameters.first(where: { $0.name == "reduction" }),
              case .choice(let choices) = spec.kind else { return [] }
        return choices
    }

    /// Creates a descriptor.
    public init(name: String, aliases: [String] = [], summary: String, formula: String,
                inputs: [Input], parameters: [ParameterSpec]) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.formula = formula
        self.inputs = inputs
        self.parameters = parameters
    }
}

extension LossDescriptor.Input {
    /// Float dtypes computed natively or widened to float32.
    public static let floatDTypes: [DType] = [.float32, .float64, .float16, .bfloat16]
    /// Every dtype a mask or a target of probabilities may come in.
    public static let maskDTypes: [DType] = [.float32, .float64, .float16, .bfloat16, .int64, .int32, .uint8, .bool]
    /// Integer dtypes for class indices.
    public static let indexDTypes: [DType] = [.int64, .int32, .uint8]

    /// The standard `input` tensor (logits unless said otherwise).
    public static func input(_ summary: String = "Predictions (logits), any shape.") -> Self {
        .init("input", dtypes: floatDTypes, summary)
    }

    /// The standard `weight` tensor, broadcast against the unreduced loss.
    public static let elementWeight = Self("weight", dtypes: floatDTypes, required: false,
                                           "Optional elementwise weight, broadcast against the unreduced loss.")
}
