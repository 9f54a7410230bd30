import LossCore

/// The part a tensor plays in a loss call. Each role's wire name is defined here, once: it is the
/// JSON member, the safetensors tensor name and the KServe input name alike.
struct TensorRole: Hashable, Sendable, CustomStringConvertible {
    /// The wire name (`input`, `grad_output`, …).
    let name: String

    /// Predictions; the gradient is taken with respect to it.
    static let input = TensorRole(name: "input")
    /// Targets: labels, masks, class indices or probabilities.
    static let target = TensorRole(name: "target")
    /// Optional weight (elementwise, or per class where the loss says so).
    static let weight = TensorRole(name: "weight")
    /// Optional variance (`gaussian_nll`).
    static let variance = TensorRole(name: "var")
    /// Optional upstream gradient.
    static let gradOutput = TensorRole(name: "grad_output")

    /// Every role a request may carry, in the order error messages list them.
    static let all: [TensorRole] = [.input, .target, .weight, .variance, .gradOutput]
    /// The wire names of ``all``.
    static let names: [String] = all.map(\.name)

    /// The role called `name` on the wire, or `nil` for a name lossd does not know.
    init?(wireName name: String) {
        guard let role = Self.all.first(where: { $0.name == name }) else { return nil }
        self = role
    }

    private init(name: String) { self.name = name }

    var description: String { name }
}

/// The tensors a loss result carries, as the response formats name them.
enum ResultTensor: String, Sendable, CaseIterable {
    /// The loss value: shape `[]` when reduced.
    case loss
    /// d(loss)/d(input), shaped and typed as the input.
    case grad

    /// The wire name (`loss`, `grad`).
    var name: String { rawValue }
}

extension LossInputs {
    /// Collects a call's tensors by role, in ``TensorRole/all`` order, so a format's errors come
    /// in the same order whatever its layout: each role is read once, and a missing `input` or
    /// `target` is reported as soon as it is found missing.
    /// - Parameters:
    ///   - tensor: The decoded tensor for a role, `nil` when the request has none.
    ///   - missing: The error for a required role the request lacks, in the format's words.
    /// - Throws: Whatever `tensor` throws, or `missing(role)`.
    init(byRole tensor: (TensorRole) throws(ServiceError) -> Tensor?,
         missing: (TensorRole) -> ServiceError) throws(ServiceError) {
        func required(_ role: TensorRole) throws(ServiceError) -> Tensor {
            guard let value = try tensor(role) else { throw missing(role) }
            return value
        }
        let input = try required(.input)
        let target = try required(.target)
        self.init(input: input, target: target, weight: try tensor(.weight),
                  variance: try tensor(.variance), gradOutput: try tensor(.gradOutput))
    }
}
