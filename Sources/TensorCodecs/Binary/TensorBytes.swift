import LossCore

#if _endian(big)
#error("TensorBytes copies element bytes verbatim and so assumes a little-endian host")
#endif

/// Raw little-endian element bytes ↔ tensor storage, shared by safetensors and KServe binary data.
///
/// Reading copies the bytes exactly once, straight into the typed array (the source may be
/// unaligned). Booleans are validated: a byte other than 0 or 1 is an error, never a `Bool`.
public enum TensorBytes {
    /// Why raw bytes could not become elements.
    public enum Failure: Error, Sendable, Equatable {
        /// The byte count is not `count × itemSize`.
        case sizeMismatch(expected: Int, actual: Int)
        /// A boolean byte was neither 0 nor 1; `index` is the element.
        case invalidBool(index: Int, byte: UInt8)
    }

    /// `count × dtype.itemSize`, or `nil` on overflow.
    public static func byteCount(of dtype: DType, count: Int) -> Int? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        return overflow || count < 0 ? nil : bytes
    }

    /// Elements of `dtype` decoded from exactly `count × itemSize` little-endian bytes.
    public static func storage(from bytes: UnsafeRawBufferPointer, dtype: DType, count: Int) throws(Failure) -> Tensor.Storage {
        let expected = byteCount(of: dtype, count: count) ?? -1
        guard expected == bytes.count else { throw .sizeMismatch(expected: expected, actual: bytes.count) }
        switch dtype {
        case .float32: return .float32(copy(bytes, count, as: Float.self))
        case .float64: return .float64(copy(bytes, count, as: Double.self))
        case .float16: return .float16(copy(bytes, count, as: UInt16.self))
        case .bfloat16: return .bfloat16(copy(bytes, count, as: UInt16.self))
        case .int64: return .int64(copy(bytes, count, as: Int64.self))
        case .int32: return .int32(copy(bytes, count, as: Int32.self))
        case .uint8: return .uint8(copy(bytes, count, as: UInt8.self))
        case .bool:
            var flags = [Bool]()
            flags.reserveCapacity(count)
            for (index, byte) in bytes.enumerated() {
                guard byte <= 1 else { throw .invalidBool(index: index, byte: byte) }
                flags.append(byte == 1)
            }
            return .bool(flags)
        }
    }

    /// Appends the elements of `storage` as little-endian bytes.
    public static func append(_ storage: Tensor.Storage, to output: inout [UInt8]) {
        switch storage {
        case .float32(let values): appendRaw(values, to: &output)
        case .float64(let values): appendRaw(values, to: &output)
        case .float16(let values), .bfloat16(let values): appendRaw(values, to: &output)
        case .int64(let values): appendRaw(values, to: &output)
        case .int32(let values): appendRaw(values, to: &output)
        case .uint8(let values): output.append(contentsOf: values)
        case .bool(let values):
            output.reserveCapacity(output.count + values.count)
            for flag in values { output.append(flag ? 1 : 0) }
        }
    }

    /// One `memcpy` into a new array of the element type (the wire and the host are both little-endian).
    private static func copy<Element: BitwiseCopyable>(_ bytes: UnsafeRawBufferPointer, _ count: Int, as: Element.Type) -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            // A multi-megabyte tensor is fresh memory: 2 MB pages instead of thousands of 4 KB faults.
            LargeBuffers.adviseHugePages(UnsafeMutableRawBufferPointer(buffer))
            if count > 0, let base = bytes.baseAddress {
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(start: base, count: bytes.count))
            }
            initialized = count
        }
    }

    private static func appendRaw<Element: BitwiseCopyable>(_ values: [Element], to output: inout [UInt8]) {
        values.withUnsafeBytes { output.append(contentsOf: $0) }
    }
}
