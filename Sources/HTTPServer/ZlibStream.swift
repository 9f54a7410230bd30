import CZlib

/// A zlib stream on the heap (zlib keeps a pointer back to it, so it must not move).
///
/// Used only from one queue at a time; not shared.
final class ZlibStream {
    /// Container format around the DEFLATE data.
    enum Format {
        /// RFC 1952 gzip (`Content-Encoding: gzip`).
        case gzip
        /// RFC 1950 zlib wrapper (`Content-Encoding: deflate`, RFC 9110 §8.4.1.2).
        case zlib

        var windowBits: Int32 { self == .gzip ? 15 + 16 : 15 }
    }

    enum Mode { case inflate, deflate }

    let stream: UnsafeMutablePointer<z_stream>
    let mode: Mode
    let format: Format
    private var initialized = false

    /// Creates an inflater, or a deflater at `level` (0–9); nil if zlib cannot initialise.
    init?(_ mode: Mode, format: Format, level: Int32 = 6) {
        self.mode = mode
        self.format = format
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = mode == .inflate
            ? czlib_inflateInit2(stream, format.windowBits)
            : czlib_deflateInit2(stream, level, format.windowBits)
        guard status == Z_OK else {
            stream.deallocate()
            return nil
        }
        initialized = true
    }

    deinit {
        if initialized {
            if mode == .inflate { inflateEnd(stream) } else { deflateEnd(stream) }
        }
        stream.deallocate()
    }

    /// Compresses `input` completely in one call, into an output sized by deflateBound
    /// and not zero-filled first. Nil on failure, or for inputs beyond zlib's 32-bit counts.
    func deflateAll(_ input: [UInt8]) -> [UInt8]? {
        guard input.count < 1 << 30 else { return nil }
        let bound = Int(deflateBound(stream, uLong(input.count)))
        var status = Z_STREAM_ERROR
        let output = [UInt8](unsafeUninitializedCapacity: bound) { outBytes, initialized in
            input.withUnsafeBytes { inBytes in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: inBytes.bindMemory(to: Bytef.self).baseAddress)
                stream.pointee.avail_in = uInt(inBytes.count)
                stream.pointee.next_out = outBytes.baseAddress
                stream.pointee.avail_out = uInt(outBytes.count)
                status = deflate(stream, Z_FINISH)
            }
            initialized = status == Z_STREAM_END ? bound - Int(stream.pointee.avail_out) : 0
        }
        return status == Z_STREAM_END ? output : nil
    }
}
