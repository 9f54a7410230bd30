/// d(objective)/d(I, P, E) of one group, where I, P, E are the group's pass-1 sums.
struct SegmentationPartials: Sendable {
    /// Derivative with respect to I = Σp·t.
    var intersection: Double
    /// Derivative with respect to P = Σp (or Σp² with `squared_pred`).
    var prediction: Double
    /// Derivative with respect to E = Σ element term.
    var elementTerm: Double

    /// All zero.
    static let zero = SegmentationPartials(intersection: 0, prediction: 0, elementTerm: 0)

    /// Every derivative times `factor`.
    func scaled(_ factor: Double) -> SegmentationPartials {
        SegmentationPartials(intersection: intersection * factor, prediction: prediction * factor,
                             elementTerm: elementTerm * factor)
    }
}

/// Pass 2 of every region loss: writes d(objective)/d(input) from the per-group partials.
///
/// With p = σ(x) (or q = softmax(x)), ∂/∂p_i = a_I·t_i + a_P·(1 or 2p_i) + a_E·∂e_i/∂p_i, then
/// through the sigmoid (σ'(x), stable for saturated logits) or the softmax Jacobian
/// q_c(g_c − Σ_k q_k g_k). Ignored elements get zero.
enum SegmentationGradient {
    /// Writes the gradient, shaped as `input`, into `out` (every element, ignored ones 0).
    static func compute<T: LossFloat>(input: [T], layout: SegmentationLayout, fromLogits: Bool, perImage: Bool,
                                      squared: Bool, term: SegmentationElementTerm?,
                                      coefficients: [SegmentationPartials], into out: UnsafeMutableBufferPointer<T>) {
        out.initialize(repeating: 0)
        do {
            ChunkedSum.forEach(count: layout.pixelCount) { range in
                if layout.mode == .multiclass {
                    multiclass(input, layout, range, fromLogits: fromLogits, perImage: perImage, squared: squared,
                               coefficients, out)
                } else {
                    dense(input, layout, range, fromLogits: fromLogits, perImage: perImage, squared: squared,
                          term: term, coefficients, out)
                }
            }
        }
    }

    private static func dense<T: LossFloat>(_ input: [T], _ layout: SegmentationLayout, _ range: Range<Int>,
                                            fromLogits: Bool, perImage: Bool, squared: Bool,
                                            term: SegmentationElementTerm?, _ coefficients: [SegmentationPartials],
                                            _ out: UnsafeMutableBufferPointer<T>) {
        let classes = layout.classes, pixels = layout.pixels
        var j = range.lowerBound
        while j < range.upperBound {
            let image = j / pixels
            let start = j - image * pixels
            let end = min(pixels, start + range.upperBound - j)
            for c in 0..<classes {
                let a = coefficients[(perImage ? image : 0) * classes + c]
                let base = (image * classes + c) * pixels
                for s in start..<end where layout.denseValid[base + s] {
                    let x = Double(input[base + s]), t = layout.dense[base + s]
                    let p = fromLogits ? SegmentationMath.sigmoid(x) : x
                    let byProbability = a.intersection * t + a.prediction * (squared ? 2 * p : 1)
                    var d = fromLogits ? byProbability * SegmentationMath.sigmoidSlope(x) : byProbability
                    if let term { d += a.elementTerm * term.derivative(x, target: t, fromLogits: fromLogits) }
                    out[base + s] = T(d)
                }
            }
            j += end - start
        }
    }

    private static func multiclass<T: LossFloat>(_ input: [T], _ layout: SegmentationLayout, _ range: Range<Int>,
                                                 fromLogits: Bool, perImage: Bool, squared: Bool,
                                                 _ coefficients: [SegmentationPartials],
                                                 _ out: UnsafeMutableBufferPointer<T>) {
        let classes = layout.classes, pixels = layout.pixels
        var q = [Double](repeating: 0, count: classes)
        var g = [Double](repeating: 0, count: classes)
        for j in range {
            let label = Int(layout.labels[j])
            if label < 0 { continue }
            let image = j / pixels
            let base = image * classes * pixels + (j - image * pixels)
            let groupBase = (perImage ? image : 0) * classes
            SegmentationSoftmax.probabilities(input, base: base, stride: pixels, fromLogits: fromLogits, into: &q)
            var dot = 0.0
            for c in 0..<classes {
                let a = coefficients[groupBase + c]
                g[c] = (c == label ? a.intersection : 0) + a.prediction * (squared ? 2 * q[c] : 1)
                dot += q[c] * g[c]
            }
            for c in 0..<classes {
                out[base + c * pixels] = T(fromLogits ? q[c] * (g[c] - dot) : g[c])
            }
        }
    }
}
