/// The softmax cross-entropy kernel shared by `cross_entropy` and `poly1`.
///
/// Per item, with q = softmax(x) over the class dimension, class weights w (ones when absent),
/// label smoothing ε and Poly-1 coefficient ε₁:
/// - index target y: `ce = (1−ε) w_y (lse − x_y) + (ε/C) Σ_c w_c (lse − x_c)`, `poly = ε₁ (1 − q_y)`;
/// - probability target t: `ce = Σ_c w_c t'_c (lse − x_c)` with `t' = (1−ε) t + ε/C`, `poly = ε₁ (1 − Σ_c t_c q_c)`.
///
/// `mean` divides the cross-entropy sum as PyTorch does (Σ w_y over non-ignored items for index
/// targets, the item count for probabilities) and the Poly-1 sum by the number of non-ignored items.
/// Two passes: sums (keeping each item's log-sum-exp), then the gradient.
struct SoftmaxCrossEntropy: Sendable {
    /// Class weights, or `nil` for ones.
    let classWeights: [Double]?
    /// Σ_c w_c (C without weights).
    let classWeightSum: Double
    /// Label smoothing ε in [0, 1].
    let labelSmoothing: Double
    /// Poly-1 coefficient ε₁ (0 for plain cross-entropy).
    let polyEpsilon: Double
    /// `mean`, `sum` or `none`.
    let reduction: Reduction

    /// Configures the kernel; `classWeights` must hold C values (see ``ClassWeights``).
    init(classWeights: [Double]?, classes: Int, labelSmoothing: Double = 0, polyEpsilon: Double = 0,
         reduction: Reduction) {
        self.classWeights = classWeights
        classWeightSum = classWeights?.reduce(0, +) ?? Double(classes)
        self.labelSmoothing = labelSmoothing
        self.polyEpsilon = polyEpsilon
        self.reduction = reduction
    }

    /// Evaluates on one batch.
    func evaluate<T: LossFloat>(_ input: [T], layout: ClassLayout, target: ClassTarget,
                                gradOutput: Tensor?) throws(LossError) -> LossOutput<T> {
        let items = layout.items
        var grad = [T](repeating: 0, count: input.count)
        if reduction == .none {
            let upstream: [T]? = try ElementwiseReduction.elementGradOutput(gradOutput, shape: layout.itemShape)
            var loss = [T](repeating: 0, count: items)
            input.withUnsafeBufferPointer { x in
                loss.withUnsafeMutableBufferPointer { lossOut in
                    grad.withUnsafeMutableBufferPointer { gradOut in
                        ChunkedSum.forEach(count: items) { range in
                            for i in range {
                                let lse = layout.logSumExp(x, item: i)
                                let terms = itemLoss(x, layout: layout, target: target, item: i, lse: lse)
                                lossOut[i] = T(terms[0] + terms[2])
                                let g = upstream.map { Double($0[i]) } ?? 1
                                itemGradient(x, layout: layout, target: target, item: i, lse: lse,
                                             scales: (g, g), into: gradOut)
                            }
                        }
                    }
                }
            }
            return LossOutput(loss: loss, lossShape: layout.itemShape, grad: grad)
        }
        let upstream = try ElementwiseReduction.scalarGradOutput(gradOutput)
        var logSumExps = [Double](repeating: 0, count: items)
        let totals = input.withUnsafeBufferPointer { x in
            logSumExps.withUnsafeMutableBufferPointer { lses in
                ChunkedSum.sum(count: items) { range -> SIMD4<Double> in
                    var partial = SIMD4<Double>()
                    for i in range {
                        lses[i] = layout.logSumExp(x, item: i)
                        partial += itemLoss(x, layout: layout, target: target, item: i, lse: lses[i])
                    }
                    return partial
                }
            }
        }
        let mean = reduction == .mean
        let value = mean ? totals[0] / totals[1] + totals[2] / totals[3] : totals[0] + totals[2]
        let scales = mean ? (upstream / totals[1], upstream / totals[3]) : (upstream, upstream)
        input.withUnsafeBufferPointer { x in
            grad.withUnsafeMutableBufferPointer { gradOut in
                ChunkedSum.forEach(count: items) { range in
                    for i in range {
                        itemGradient(x, layout: layout, target: target, item: i, lse: logSumExps[i],
                                     scales: scales, into: gradOut)
                    }
                }
            }
        }
        // Poly-1 adds nothing when ε₁ = 0; keep its 0/0 out of plain cross-entropy.
        let loss = polyEpsilon == 0 && mean ? totals[0] / totals[1] : value
        return LossOutput(scalar: loss, grad: grad)
    }

    /// `(ce, ce normaliser, poly, poly normaliser)` of one item; all zero for an ignored item.
    @inline(__always)
    private func itemLoss<T: LossFloat>(_ x: UnsafeBufferPointer<T>, layout: ClassLayout, target: ClassTarget,
                                        item: Int, lse: Double) -> SIMD4<Double> {
        let base = layout.base(of: item), stride = layout.classStride, classes = layout.classes
        let smoothing = labelSmoothing / Double(classes)
        switch target {
        case .indices(let indices):
            let y = indices[item]
            if y == ClassTarget.ignored { return SIMD4() }
            let weightY = classWeights?[y] ?? 1
            let logitY = Double(x[base + y * stride])
            var ce = (1 - labelSmoothing) * weightY * (lse - logitY)
            if labelSmoothing > 0 {
                var smooth = 0.0
                for c in 0..<classes { smooth += (classWeights?[c] ?? 1) * (lse - Double(x[base + c * stride])) }
                ce += smoothing * smooth
            }
            let poly = polyEpsilon == 0 ? 0 : polyEpsilon * -ClassMath.expm1(logitY - lse)
            return SIMD4(ce, weightY, poly, 1)
        case .probabilities(let t):
            var ce = 0.0, hit = 0.0
            for c in 0..<classes {
                let logit = Double(x[base + c * stride]), probability = t[base + c * stride]
                ce += (classWeights?[c] ?? 1) * ((1 - labelSmoothing) * probability + smoothing) * (lse - logit)
                if polyEpsilon != 0 { hit += probability * ClassMath.exp(logit - lse) }
            }
            return SIMD4(ce, 1, polyEpsilon * (1 - hit), 1)
        }
    }

    /// Writes `scales.0 · d(ce)/dx + scales.1 · d(poly)/dx` for one item (zeros when ignored).
    @inline(__always)
    private func itemGradient<T: LossFloat>(_ x: UnsafeBufferPointer<T>, layout: ClassLayout, target: ClassTarget,
                                            item: Int, lse: Double, scales: (ce: Double, poly: Double),
                                            into grad: UnsafeMutableBufferPointer<T>) {
        let base = layout.base(of: item), stride = layout.classStride, classes = layout.classes
        let smoothing = labelSmoothing / Double(classes)
        switch target {
        case .indices(let indices):
            let y = indices[item]
            if y == ClassTarget.ignored { return }
            let weightY = classWeights?[y] ?? 1
            let softmaxMass = (1 - labelSmoothing) * weightY + smoothing * classWeightSum
            let hitY = ClassMath.exp(Double(x[base + y * stride]) - lse)
            for c in 0..<classes {
                let q = ClassMath.exp(Double(x[base + c * stride]) - lse)
                var ce = softmaxMass * q - smoothing * (classWeights?[c] ?? 1)
                var poly = polyEpsilon * hitY * q
                if c == y { ce -= (1 - labelSmoothing) * weightY; poly -= polyEpsilon * hitY }
                grad[base + c * stride] = T(scales.ce * ce + (polyEpsilon == 0 ? 0 : scales.poly * poly))
            }
        case .probabilities(let t):
            var mass = 0.0, hit = 0.0
            for c in 0..<classes {
                let probability = t[base + c * stride]
                mass += (classWeights?[c] ?? 1) * ((1 - labelSmoothing) * probability + smoothing)
                if polyEpsilon != 0 { hit += probability * ClassMath.exp(Double(x[base + c * stride]) - lse) }
            }
            for c in 0..<classes {
                let q = ClassMath.exp(Double(x[base + c * stride]) - lse), probability = t[base + c * stride]
                let ce = mass * q - (classWeights?[c] ?? 1) * ((1 - labelSmoothing) * probability + smoothing)
                let poly = -polyEpsilon * q * (probability - hit)
                grad[base + c * stride] = T(scales.ce * ce + (polyEpsilon == 0 ? 0 : scales.poly * poly))
            }
        }
    }
}
