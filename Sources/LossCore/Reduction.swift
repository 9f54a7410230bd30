/// How the elementwise loss is reduced, as PyTorch's `reduction` argument.
public enum Reduction: String, Sendable, CaseIterable {
    /// Sum divided by the number of elements (the default).
    case mean
    /// Plain sum.
    case sum
    /// No reduction: the loss has the unreduced shape.
    case none
    /// Sum divided by the batch size (only `kl_div`).
    case batchmean
}
