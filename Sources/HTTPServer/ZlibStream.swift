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

    /// Compresses `input` completely in one call (the output buffer is sized by deflateBound).
    func deflateAll(_ input: [UInt8]) -> [UInt8]? {
        let bound = Int(deflateBound(stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let status: Int32 = input.withUnsafeBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: inBytes.bindMemory(to: Bytef.self).baseAddress)
                stream.pointee.avail_in = uInt(inBytes.count)
                stream.pointee.next_out = outBytes.bindMemory(to: Bytef.self).baseAddress
                stream.pointee.avail_out = uInt(outBytes.count)
                return deflate(stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return nil }
        output.removeLast(Int(stream.pointee.avail_out))
        return output
    }
}
