/// The Lovász extension of the Jaccard loss over one set of errors (Berman et al. 2018), as SMP computes it.
///
/// Errors are sorted in descending order; ties keep their original order (a stable sort, ties
/// by position ascending; NaN sorts first, as torch.sort treats it as the largest value). With
/// `g` the Lovász gradient of the foreground mask in that order, the loss is `Σ_i f(e_(i)) g_i`,
/// where `f` is the identity (softmax) or ReLU (hinge, derivative 0 at 0 as PyTorch). The loss is
/// piecewise linear, so `d loss / d e_(i) = f'(e_(i)) g_i` — what autograd gives through torch.sort.
/// Buffers are allocated once per request and reused for every image and class.
struct LovaszExtension {
    /// The errors to sort; fill positions `0..<count` before ``evaluate(count:hinge:)``.
    var errors: [Double]
    /// Foreground membership (1 or 0; SMP takes soft values as they come) per position.
    var foreground: [Double]
    /// After ``evaluate(count:hinge:)``: d loss / d errors[i] per position.
    private(set) var slopes: [Double]
    private var order: [Int]

    /// Creates buffers for up to `capacity` positions.
    init(capacity: Int) {
        errors = [Double](repeating: 0, count: capacity)
        foreground = [Double](repeating: 0, count: capacity)
        slopes = [Double](repeating: 0, count: capacity)
        order = []
        order.reserveCapacity(capacity)
    }

    /// The loss over positions `0..<count`, filling ``slopes``.
    /// - Parameter hinge: Apply ReLU to the sorted errors (binary Lovász hinge).
    mutating func evaluate(count: Int, hinge: Bool) -> Double {
        let errors = self.errors
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<count)
        // A total order (NaN first, then descending, then by position), so any sort algorithm agrees.
        order.sort { a, b in
            let ea = errors[a], eb = errors[b]
            if ea.isNaN || eb.isNaN { return ea.isNaN && (!eb.isNaN || a < b) }
            return ea > eb || (ea == eb && a < b)
        }
        var foregroundTotal = 0.0
        for i in 0..<count { foregroundTotal += foreground[i] }
        var loss = 0.0, coveredForeground = 0.0, coveredBackground = 0.0, previousJaccard = 0.0
        for position in order {
            coveredForeground += foreground[position]
            coveredBackground += 1 - foreground[position]
            let intersection = foregroundTotal - coveredForeground
            let union = foregroundTotal + coveredBackground
            let jaccard = 1 - intersection / union
            let weight = jaccard - previousJaccard
            previousJaccard = jaccard
            let error = errors[position]
            if hinge {
                loss += max(error, 0) * weight
                slopes[position] = error > 0 ? weight : 0
            } else {
                loss += error * weight
                slopes[position] = weight
            }
        }
        return loss
    }
}

/// How per-image Lovász losses combine: SMP averages images; `reduction` generalises that.
struct LovaszReduction {
    /// `mean`, `sum` or `none`.
    let reduction: Reduction
    /// Whether each image (dimension 0) is a separate loss.
    let perImage: Bool

    /// Shape of the unreduced loss: `[N]` per image, `[]` when the batch is pooled.
    func lossShape(images: Int) -> [Int] { perImage && reduction == .none ? [images] : [] }

    /// Upstream gradient of each image's loss.
    func upstream(_ gradOutput: Tensor?, images: Int) throws(LossError) -> [Double] {
        if perImage && reduction == .none {
            let expanded: [Double]? = try ElementwiseReduction.elementGradOutput(gradOutput, shape: [images])
            return expanded ?? [Double](repeating: 1, count: images)
        }
        let scalar = try ElementwiseReduction.scalarGradOutput(gradOutput)
        let scale = reduction == .mean && perImage && images > 0 ? scalar / Double(images) : scalar
        return [Double](repeating: scale, count: images)
    }

    /// The loss values from each image's loss.
    func combine<T: LossFloat>(_ losses: [Double]) -> [T] {
        if perImage && reduction == .none { return losses.map { T($0) } }
        let total = losses.reduce(0, +)
        let mean = reduction == .mean && perImage && !losses.isEmpty
        return [T(mean ? total / Double(losses.count) : total)]
    }
}
