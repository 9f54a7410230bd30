import LossCore
import LossExpressions

/// What a `{name}` in a path resolves to: a built-in loss type or a named custom loss.
///
/// Wire formats decode a custom loss's request as they decode an expression request
/// (``decoderType``); ``LossEvaluation`` then evaluates the definition.
enum ServedLoss: Sendable {
    /// A loss of the built-in catalog.
    case builtin(any Loss.Type)
    /// A definition made from a file, `PUT` or a KServe repository load.
    case custom(LossDefinition)

    /// What the catalog and KServe metadata show.
    var descriptor: LossDescriptor {
        switch self {
        case .builtin(let loss): loss.descriptor
        case .custom(let definition): definition.descriptor
        }
    }

    /// The canonical name: the `loss` label and the `name` responses report.
    var name: String { descriptor.name }

    /// The type the wire formats decode for: the loss itself, or ``ExpressionLoss`` for a definition.
    var decoderType: any Loss.Type {
        switch self {
        case .builtin(let loss): loss
        case .custom: ExpressionLoss.self
        }
    }

    /// The definition, for a custom loss.
    var definition: LossDefinition? {
        if case .custom(let definition) = self { return definition }
        return nil
    }
}
