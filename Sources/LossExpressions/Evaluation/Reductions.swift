/// Reductions and softmax over everything or along one axis, forward and backward.
///
/// A tensor is viewed as `(outer, extent, inner)` around the axis (everything: `(1, count, 1)`);
/// each output element folds its `extent` inputs in index order with a `Double` accumulator.
enum Reductions {
    private static func layout(_ shape: [Int], axis: Int?) -> (outer: Int, extent: Int, inner: Int) {
        guard let axis else { return (1, shape.reduce(1, *), 1) }
        return Shapes.split(shape, axis: axis)
    }

    /// The reduced values, row-major over `(outer, inner)`.
    static func forward<T: ExpressionFloat>(_ function: ReductionFunction, _ x: [T], shape: [Int], axis: Int?) -> [T] {
        let (outer, extent, inner) = layout(shape, axis: axis)
        var result = [T](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * extent * inner + i
                var acc = 0.0
                switch function {
                case .sum, .mean:
                    for k in 0..<extent { acc += Double(x[base + k * inner]) }
                    if function == .mean { acc /= Double(extent) }
                case .amax, .amin:
                    acc = function == .amax ? -.infinity : .infinity
                    for k in 0..<extent {
                        let v = Double(x[base + k * inner])
                        if v.isNaN { acc = v; break }
                        acc = function == .amax ? Swift.max(acc, v) : Swift.min(acc, v)
                    }
                case .logsumexp:
                    var m = -Double.infinity
                    for k in 0..<extent { m = Swift.max(m, Double(x[base + k * inner])) }
                    if m.isInfinite { m = 0 }
                    for k in 0..<extent { acc += Double.exp(Double(x[base + k * inner]) - m) }
                    acc = Double.log(acc) + m
                }
                result[o * inner + i] = T(acc)
            }
        }
        return result
    }

    /// The input's gradient given the output's `g` (shape `(outer, inner)`) and value `y`.
    static func backward<T: ExpressionFloat>(_ function: ReductionFunction, _ x: [T], _ y: [T], _ g: [T],
                                             shape: [Int], axis: Int?) -> [T] {
        let (outer, extent, inner) = layout(shape, axis: axis)
        var result = [T](repeating: 0, count: x.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * extent * inner + i
                let upstream = g[o * inner + i], value = y[o * inner + i]
                switch function {
                case .sum, .mean:
                    let share = function == .mean ? upstream / T(extent) : upstream
                    for k in 0..<extent { result[base + k * inner] = share }
                case .amax, .amin:
                    // Ties share the gradient evenly, as PyTorch's amax/amin.
                    var ties = 0
                    for k in 0..<extent where x[base + k * inner] == value { ties += 1 }
                    let share = upstream / T(Swift.max(ties, 1))
                    for k in 0..<extent where x[base + k * inner] == value { result[base + k * inner] = share }
                case .logsumexp:
                    for k in 0..<extent { result[base + k * inner] = upstream * T.exp(x[base + k * inner] - value) }
                }
            }
        }
        return result
    }

    /// `softmax` or `log_softmax` along `axis` (max-shifted; sums in Double).
    static func softmax<T: ExpressionFloat>(_ x: [T], shape: [Int], axis: Int, log: Bool) -> [T] {
        let (outer, extent, inner) = Shapes.split(shape, axis: axis)
        var result = [T](repeating: 0, count: x.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * extent * inner + i
                var m = -T.infinity
                for k in 0..<extent { m = Swift.max(m, x[base + k * inner]) }
                if m.isInfinite { m = 0 }
                var total = 0.0
                for k in 0..<extent { total += Double(T.exp(x[base + k * inner] - m)) }
                let logTotal = T(Double.log(total))
                for k in 0..<extent {
                    let shifted = x[base + k * inner] - m
                    result[base + k * inner] = log ? shifted - logTotal : T.exp(shifted) / T(total)
                }
            }
        }
        return result
    }

    /// The input's gradient of `softmax`/`log_softmax` with output `y` and upstream `g`.
    static func softmaxBackward<T: ExpressionFloat>(_ y: [T], _ g: [T], shape: [Int], axis: Int, log: Bool) -> [T] {
        let (outer, extent, inner) = Shapes.split(shape, axis: axis)
        var result = [T](repeating: 0, count: y.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let base = o * extent * inner + i
                var total = 0.0
                for k in 0..<extent {
                    let j = base + k * inner
                    total += log ? Double(g[j]) : Double(g[j]) * Double(y[j])
                }
                let sum = T(total)
                for k in 0..<extent {
                    let j = base + k * inner
                    result[j] = log ? g[j] - T.exp(y[j]) * sum : y[j] * (g[j] - sum)
                }
            }
        }
        return result
    }
}
