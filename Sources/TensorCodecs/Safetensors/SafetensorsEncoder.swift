import LossCore

extension SafetensorsFile {
    /// Serializes the file: 8-byte little-endian header length, the JSON header padded with
    /// spaces to a multiple of 8 bytes (as the reference implementation pads), then the
    /// tensors' bytes back to back in entry order. Each tensor's bytes are copied once.
    public func encoded() -> [UInt8] {
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
        for entry in entries {
            let size = entry.tensor.count * entry.tensor.dtype.itemSize
            header.key(entry.name)
            header.beginObject()
            header.key("dtype")
            header.string(entry.tensor.dtype.safetensorsName)
            header.key("shape")
            header.integers(entry.tensor.shape)
            header.key("data_offsets")
            header.integers([offset, offset + size])
            header.endObject()
            offset += size
        }
        header.endObject()
        var headerBytes = header.bytes
        headerBytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - headerBytes.count % 8) % 8))

        var output = [UInt8]()
        output.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { output.append(contentsOf: $0) }
        output.append(contentsOf: headerBytes)
        for entry in entries {
            TensorBytes.append(entry.tensor.storage, to: &output)
        }
        return output
    }
}
