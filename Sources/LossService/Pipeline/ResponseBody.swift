import LossCore

/// Binary response bodies allocated once at their final size, the gradient written into its
/// place by the kernel rather than computed elsewhere and copied in.
enum ResponseBody {
    /// A body of exactly `size` bytes whose bytes `gradientOffset..<gradientOffset + gradient`
    /// the kernel has written; the caller fills the rest (header, loss) afterwards.
    ///
    /// The gradient must sit at an address aligned to its dtype. A safetensors layout always
    /// is; a KServe JSON header has any length, so when the place is misaligned the kernel writes
    /// at the next aligned address (the allocation has `itemSize - 1` spare bytes for this) and
    /// the gradient is moved down once — the one copy alignment costs, without a second buffer.
    /// Bytes outside the gradient are uninitialised until the caller writes them.
    /// - Throws: ``ServiceError`` from the evaluation; the body is then dropped.
    static func withGradient(size: Int, gradientOffset: Int,
                             _ evaluation: LossEvaluation) throws(ServiceError) -> (body: [UInt8], loss: Tensor) {
        let gradientBytes = evaluation.gradientByteCount
        let alignment = evaluation.gradientDType.itemSize
        precondition(gradientOffset >= 0 && gradientOffset + gradientBytes <= size, "the gradient lies inside the body")
        var outcome: Result<Tensor, ServiceError> = .failure(ServiceError.internalError("gradient not written"))
        let body = [UInt8](unsafeUninitializedCapacity: size + alignment - 1) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            // The kernel's first writes fault the body in: 2 MB pages where it is large.
            LargeBuffers.adviseHugePages(raw)
            let base = Int(bitPattern: raw.baseAddress)
            let misalignment = (base + gradientOffset) % alignment
            let written = gradientOffset + (misalignment == 0 ? 0 : alignment - misalignment)
            let slot = UnsafeMutableRawBufferPointer(rebasing: raw[written..<written + gradientBytes])
            outcome = Result { () throws(ServiceError) -> Tensor in try evaluation.loss(writingGradientInto: slot) }
            if written != gradientOffset, case .success = outcome, let start = raw.baseAddress {
                (start + gradientOffset).copyMemory(from: start + written, byteCount: gradientBytes)
            }
            // UInt8 needs no initialisation: the caller writes every byte outside the gradient.
            initialized = size
        }
        return (body, try outcome.get())
    }

    /// `parts` back to back in one allocation of their total size.
    static func joined(_ parts: [UnsafeRawBufferPointer]) -> [UInt8] {
        let size = parts.reduce(0) { $0 + $1.count }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            var offset = 0
            for part in parts where !part.isEmpty {
                UnsafeMutableRawBufferPointer(rebasing: raw[offset..<offset + part.count]).copyMemory(from: part)
                offset += part.count
            }
            initialized = size
        }
    }

    /// Copies `bytes` into `body` at `offset`.
    static func write(_ bytes: UnsafeRawBufferPointer, into body: inout [UInt8], at offset: Int) {
        guard !bytes.isEmpty else { return }
        body.withUnsafeMutableBytes { raw in
            UnsafeMutableRawBufferPointer(rebasing: raw[offset..<offset + bytes.count]).copyMemory(from: bytes)
        }
    }
}
