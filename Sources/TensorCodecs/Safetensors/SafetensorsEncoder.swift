import LossCore

extension SafetensorsFile {
    /// Serializes the file: 8-byte little-endian header length, the JSON header padded with
    /// spaces to a multiple of 8 bytes (as the reference implementation pads), then the
    /// tensors' bytes back to back in entry order (``encodedPrefix(_:metadata:)`` then the data).
    /// Each tensor's bytes are copied once.
    public func encoded() -> [UInt8] {
        let prefix = Self.encodedPrefix(entries.map { ($0.name, $0.tensor.dtype, $0.tensor.shape) }, metadata: metadata)
        var output = [UInt8]()
        output.reserveCapacity(prefix.count + entries.reduce(0) { $0 + $1.tensor.count * $1.tensor.dtype.itemSize })
        output.append(contentsOf: prefix)
        for entry in entries {
            TensorBytes.append(entry.tensor.storage, to: &output)
        }
        return output
    }

    /// Everything before the tensor data of a file holding tensors of these dtypes and shapes, in
    /// this order: the 8-byte little-endian header length and the header, padded with spaces to a
    /// multiple of 8 bytes. Lets an encoder lay out a file before its tensors exist (the service
    /// writes a gradient straight into its place after this prefix).
    ///
    /// Data offsets are assigned back to back from 0 in order, so the tensor `i` starts at
    /// `prefix.count + Σ_{j<i} count_j × itemSize_j`, a multiple of 8 from the file's start plus
    /// the bytes before it. ``encoded()`` is this prefix followed by the tensors' bytes.
    /// - Parameters:
    ///   - tensors: Name, dtype and shape of each tensor, in data order; names unique, not `__metadata__`.
    ///   - metadata: The `__metadata__` string map (omitted when empty), written with sorted keys.
    public static func encodedPrefix(_ tensors: [(name: String, dtype: DType, shape: [Int])],
                                     metadata: [String: String] = [:]) -> [UInt8] {
        var header = JSONWriter()
        header.beginObject()
        if !metadata.isEmpty {
            header.key("__metadata__")
            header.beginObject()
            for key in metadata.keys.sorted() {
                header.key(key)
                header.string(metadata[key] ?? "")
            }
            header.endObject()
        }
        var offset = 0
        for tensor in tensors {
            let size = (Tensor.elementCount(of: tensor.shape) ?? 0) * tensor.dtype.itemSize
            header.key(tensor.name)
            header.beginObject()
            header.key("dtype")
            header.string(tensor.dtype.safetensorsName)
            header.key("shape")
            header.integers(tensor.shape)
            header.key("data_offsets")
            header.integers([offset, offset + size])
            header.endObject()
            offset += size
        }
        header.endObject()
        let headerBytes = header.bytes
        let padding = (8 - headerBytes.count % 8) % 8
        var prefix = [UInt8]()
        prefix.reserveCapacity(8 + headerBytes.count + padding)
        withUnsafeBytes(of: UInt64(headerBytes.count + padding).littleEndian) { prefix.append(contentsOf: $0) }
        prefix.append(contentsOf: headerBytes)
        prefix.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        return prefix
    }
}
