/// Deterministic ways to cut an input into the pieces the parser is fed with.
enum PieceSizes {
    /// Piece sizes between 1 and 97 bytes from a generator seeded by the input's FNV-1a
    /// hash, so a crash reproduces from its input alone.
    static func pseudoRandom(for input: [UInt8]) -> [Int] {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in input { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var sizes: [Int] = []
        var remaining = input.count
        while remaining > 0 {
            // xorshift64*: cheap and good enough to vary split points.
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            let size = min(remaining, Int((state &* 0x2545_f491_4f6c_dd1d) >> 58) + 1 + Int(state % 33))
            sizes.append(size)
            remaining -= size
        }
        return sizes
    }
}
