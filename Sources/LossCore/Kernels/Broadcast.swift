/// NumPy/PyTorch broadcasting of a tensor to a target shape.
public enum Broadcast {
    /// Whether `shape` broadcasts to `target` (right-aligned; each dimension equal or 1).
    public static func canBroadcast(_ shape: [Int], to target: [Int]) -> Bool {
        guard shape.count <= target.count else { return false }
        let offset = target.count - shape.count
        for (index, dimension) in shape.enumerated() where dimension != 1 && dimension != target[index + offset] {
            return false
        }
        return true
    }

    /// The tensor's values as `T`, expanded to `shape` (a shared copy when the shapes are equal).
    /// - Parameters:
    ///   - tensor: The tensor to expand.
    ///   - shape: The shape it must broadcast to.
    ///   - field: Wire name for the error message.
    /// - Throws: ``LossError/Code/shapeMismatch`` naming `field`.
    public static func expand<T: LossFloat>(_ tensor: Tensor, to shape: [Int], field: String,
                                           as type: T.Type = T.self) throws(LossError) -> [T] {
        if tensor.shape == shape { return tensor.values(as: T.self) }
        guard canBroadcast(tensor.shape, to: shape) else {
            throw LossError(.shapeMismatch,
                            "'\(field)' has shape \(tensor.shape), which does not broadcast to \(shape)",
                            field: field)
        }
        let source: [T] = tensor.values()
        let total = Tensor.elementCount(of: shape) ?? 0
        if source.count == 1 { return [T](repeating: source.first ?? 0, count: total) }
        // Strides of the source viewed in the target's rank; broadcast dimensions have stride 0.
        let rank = shape.count
        let offset = rank - tensor.shape.count
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for dimension in stride(from: tensor.shape.count - 1, through: 0, by: -1) {
            strides[dimension + offset] = tensor.shape[dimension] == 1 ? 0 : step
            step *= tensor.shape[dimension]
        }
        var result = [T]()
        result.reserveCapacity(total)
        var index = [Int](repeating: 0, count: rank)
        var position = 0
        for _ in 0..<total {
            result.append(source[position])
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                position += strides[axis]
                if index[axis] < shape[axis] { break }
                position -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }
}
