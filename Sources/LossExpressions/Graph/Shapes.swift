/// Shape arithmetic: PyTorch's broadcasting rules and the index maps that realise them.
enum Shapes {
    /// The broadcast of two shapes (aligned at the trailing dimension; 1 stretches), or `nil`.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if x == y || y == 1 { result[i] = x } else if x == 1 { result[i] = y } else { return nil }
        }
        return result
    }

    /// `[2, 3]` style.
    static func show(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }

    /// For each element of `output` (row-major), the index of the element of `shape` it reads.
    /// `shape` must broadcast to `output`.
    static func indexMap(from shape: [Int], to output: [Int]) -> [Int] {
        let rank = output.count
        let padded = [Int](repeating: 1, count: rank - shape.count) + shape
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : step
            step *= padded[d]
        }
        let total = output.reduce(1, *)
        var map = [Int](repeating: 0, count: total)
        guard total > 0 else { return map }
        var counter = [Int](repeating: 0, count: rank)
        var source = 0
        for i in 0..<total {
            map[i] = source
            var d = rank - 1
            while d >= 0 {
                counter[d] += 1
                source += strides[d]
                if counter[d] < output[d] { break }
                source -= strides[d] * counter[d]
                counter[d] = 0
                d -= 1
            }
        }
        return map
    }

    /// `(outer, extent, inner)` of `shape` around `axis`.
    static func split(_ shape: [Int], axis: Int) -> (outer: Int, extent: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }
}
