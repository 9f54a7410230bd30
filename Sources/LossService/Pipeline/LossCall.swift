import LossCore
import LossExpressions

/// One loss computation as a wire format decoded it: which loss, its raw parameters, its tensors
/// by role, and what the client asked to get back.
///
/// Every compute route turns its request into a `LossCall` (``LossWireFormat/decode(_:loss:)``),
/// so evaluation and encoding never look at the request's bytes again.
struct LossCall: Sendable {
    /// One result tensor the client asked for, and how it travels.
    struct Output: Sendable, Equatable {
        /// Which tensor.
        var tensor: ResultTensor
        /// Whether it goes as raw bytes after a JSON header (KServe's binary data extension)
        /// rather than printed as JSON. Formats with one fixed layout ignore it.
        var binary: Bool
    }

    /// The loss, resolved by the route.
    var loss: any Loss.Type
    /// Parameters as the client sent them; ``LossRegistry`` validates them.
    var parameters: [String: ParameterValue]
    /// The tensors, by role.
    var inputs: LossInputs
    /// The result tensors to send, in order: `loss` then `grad` unless the client chose.
    var outputs: [Output] = ResultTensor.allCases.map { Output(tensor: $0, binary: false) }
    /// A client's request id to echo in the body (KServe's `id`).
    var id: String?
    /// The named custom loss the route resolved, if any (``loss`` is then ``ExpressionLoss``).
    var definition: LossDefinition?

    /// The loss's canonical name, which responses report.
    var lossName: String { definition?.name ?? loss.descriptor.name }
}
