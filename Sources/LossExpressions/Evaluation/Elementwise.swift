/// Broadcasting elementwise loops, with fast paths for equal shapes and scalars (the common
/// cases of loss expressions) and an index map otherwise.
enum Elementwise {
    /// An operand read at the output's element indices.
    struct Operand<T> {
        private let values: [T]
        private let map: [Int]?
        private let isScalar: Bool

        /// `values` of `shape`, read as if broadcast to `output`.
        init(_ values: [T], _ shape: [Int], to output: [Int]) {
            self.values = values
            isScalar = values.count == 1
            map = isScalar || shape == output ? nil : Shapes.indexMap(from: shape, to: output)
        }

        @inline(__always)
        subscript(_ i: Int) -> T {
            if isScalar { return values[0] }
            if let map { return values[map[i]] }
            return values[i]
        }
    }

    /// `f(a, b)` broadcast to `output`.
    @inline(__always)
    static func binary<T>(_ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int], to output: [Int],
                          _ f: (T, T) -> T) -> [T] {
        if aShape == output, bShape == output { return zip(a, b).map { f($0, $1) } }
        if b.count == 1, aShape == output { let y = b[0]; return a.map { f($0, y) } }
        if a.count == 1, bShape == output { let x = a[0]; return b.map { f(x, $0) } }
        let left = Operand(a, aShape, to: output)
        let right = Operand(b, bShape, to: output)
        let count = output.reduce(1, *)
        return (0..<count).map { f(left[$0], right[$0]) }
    }

    /// Sums `gradient` (of shape `output`) down to `shape`, which broadcast to `output`;
    /// accumulation in Double, in element order.
    static func reduce<T: BinaryFloatingPoint>(_ gradient: [T], from output: [Int], to shape: [Int]) -> [T] {
        if shape == output { return gradient }
        let count = shape.reduce(1, *)
        if count == 1 {
            var total = 0.0
            for g in gradient { total += Double(g) }
            return [T(total)]
        }
        let map = Shapes.indexMap(from: shape, to: output)
        var sums = [Double](repeating: 0, count: count)
        for i in gradient.indices { sums[map[i]] += Double(gradient[i]) }
        return sums.map { T($0) }
    }
}
