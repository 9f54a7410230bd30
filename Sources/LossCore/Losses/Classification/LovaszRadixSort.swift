/// One element of a float32 Lovász hinge set, packed so that the natural order of the `UInt64`
/// is the Lovász extension's order: NaN errors first, then errors descending, then position.
///
/// Bits 32–63 hold the error's sort key, bits 1–31 the element's position in its set, bit 0
/// whether it is foreground. With y = x·(2t − 1) (exact in float32) the reference computes the
/// error in Double, e = 1 − y, so the key must order and tie exactly as that Double does — not
/// as float32 would (1 − y rounds in float32 for |y| < 2⁻²⁴, making ties Double does not have).
/// e is strictly decreasing in y except for |y| < 2⁻²⁹, where Double rounds 1 − y; there
/// y is replaced by the exact representative 1 − e (a multiple of 2⁻⁵³, exact in float32), which
/// also maps −0 to +0. The key is that canonical y's bits made monotone as an unsigned integer:
/// ascending key ⇔ descending error, equal key ⇔ equal error; key 0 is every NaN.
/// The error is recovered from the key exactly: 1 − Double(y) is e again.
enum LovaszEntry {
    /// The canonical representative of y's Double error class, for one value.
    @inline(__always)
    static func canonical(_ y: Float) -> Float { Float(1 - (1 - Double(y))) }

    /// The sort key of one y.
    @inline(__always)
    static func key(_ y: Float) -> UInt32 {
        var lanes = SIMD8<Float>(repeating: 0)
        lanes[0] = y
        return keys(lanes)[0]
    }

    /// The sort keys of eight y.
    ///
    /// Only float comparisons and bit operations: integer vector comparisons may type-check to
    /// the standard library's generic overloads, which go lane by lane through memory.
    @inline(__always)
    static func keys(_ y: SIMD8<Float>) -> SIMD8<UInt32> {
        var bits = unsafeBitCast(y, to: SIMD8<UInt32>.self)
        let magnitude = unsafeBitCast(bits & 0x7FFF_FFFF, to: SIMD8<Float>.self)
        // ±0 → +0; other values below 2⁻²⁹ in magnitude (rare) take the Double round trip.
        bits = LovaszLaneBits.select(bits, SIMD8(), where: magnitude .== 0)
        let tiny = (magnitude .< 0x1p-29) .& (magnitude .> 0)
        if LovaszLaneBits.mask(tiny) != 0 {
            for lane in 0..<8 where tiny[lane] { bits[lane] = canonical(y[lane]).bitPattern }
        }
        // Positive: set the sign bit; negative: flip every bit.
        let negative = unsafeBitCast(unsafeBitCast(bits, to: SIMD8<Int32>.self) &>> 31, to: SIMD8<UInt32>.self)
        let key = bits ^ (negative | 0x8000_0000)
        return LovaszLaneBits.select(key, SIMD8(), where: y .!= y)
    }

    /// The Double error e = 1 − y behind a key, bit for bit the reference's (NaN for key 0,
    /// without the logit's NaN payload).
    @inline(__always)
    static func error(ofKey key: UInt32) -> Double {
        let bits = key >= 0x8000_0000 ? key & 0x7FFF_FFFF : ~key
        return key == 0 ? .nan : 1 - Double(Float(bitPattern: bits))
    }

    /// The entry of a keyed element at `position` of its set (below 2³¹).
    @inline(__always)
    static func entry(key: UInt32, position: Int, foreground: UInt32) -> UInt64 {
        UInt64(key) << 32 | UInt64(truncatingIfNeeded: position) << 1 | UInt64(foreground)
    }

    /// The key of an entry.
    @inline(__always)
    static func key(of entry: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: entry >> 32) }

    /// The position of an entry in its set.
    @inline(__always)
    static func position(of entry: UInt64) -> Int { Int(truncatingIfNeeded: (entry >> 1) & 0x7FFF_FFFF) }
}

/// A growable, uninitialised buffer of entries, owned by one task and freed explicitly.
struct LovaszEntryBuffer {
    private(set) var base: UnsafeMutablePointer<UInt64>?
    private(set) var capacity = 0

    /// At least `count` entries (contents not preserved when it grows).
    mutating func reserve(_ count: Int) -> UnsafeMutablePointer<UInt64> {
        if let base, capacity >= count { return base }
        base?.deallocate()
        capacity = max(count, 1)
        let fresh = UnsafeMutablePointer<UInt64>.allocate(capacity: capacity)
        LargeBuffers.adviseHugePages(UnsafeMutableRawBufferPointer(start: fresh, count: capacity * 8))
        base = fresh
        return fresh
    }

    /// Frees the memory.
    mutating func deallocate() {
        base?.deallocate()
        base = nil
        capacity = 0
    }
}

/// Stable LSD radix sort of ``LovaszEntry`` values by their key (bits 32–63), three digits of
/// 11, 11 and 10 bits.
///
/// Entries handed in are in position order, so sorting stably by key alone gives the full
/// `UInt64` order. A digit that every entry shares needs no pass; the bucketed float32 path
/// hands in runs whose keys share their top bits, so a run is typically sorted in two passes
/// that stay in cache. Short runs use insertion sort (entries are distinct, so any correct sort agrees).
enum LovaszRadixSort {
    /// Bits per digit.
    static let digitBits = 11
    /// Buckets per digit.
    static let radix = 1 << digitBits
    /// Counters `sort` needs: one histogram per digit.
    static let counterCount = 3 * radix
    /// Runs up to this length are insertion sorted.
    static let insertionLimit = 32

    /// Sorts `entries[0..<count]`; returns the buffer holding the result — `entries` itself or
    /// `scratch`, which grows to `count` only if a pass is needed.
    /// - Parameter counters: ``counterCount`` counters of workspace.
    static func sort(_ entries: UnsafeMutablePointer<UInt64>, count: Int, scratch: inout LovaszEntryBuffer,
                     counters: UnsafeMutablePointer<UInt32>) -> UnsafeMutablePointer<UInt64> {
        if count <= insertionLimit {
            insertionSort(entries, count: count)
            return entries
        }
        counters.initialize(repeating: 0, count: counterCount)
        let mask = UInt64(radix - 1)
        for i in 0..<count {
            let entry = entries[i]
            counters[Int(truncatingIfNeeded: (entry >> 32) & mask)] &+= 1
            counters[radix + Int(truncatingIfNeeded: (entry >> 43) & mask)] &+= 1
            counters[2 * radix + Int(truncatingIfNeeded: entry >> 54)] &+= 1
        }
        var source = entries
        for digit in 0..<3 {
            let shift = UInt64(32 + digit * digitBits)
            let histogram = counters + digit * radix
            let first = Int(truncatingIfNeeded: (source[0] >> shift) & mask)
            if histogram[first] == UInt32(truncatingIfNeeded: count) { continue }
            // Exclusive prefix sums: the first output slot of each digit value.
            var running: UInt32 = 0
            for value in 0..<radix {
                let bucket = histogram[value]
                histogram[value] = running
                running &+= bucket
            }
            let target = source == entries ? scratch.reserve(count) : entries
            for i in 0..<count {
                let entry = source[i]
                let value = Int(truncatingIfNeeded: (entry >> shift) & mask)
                target[Int(histogram[value])] = entry
                histogram[value] &+= 1
            }
            source = target
        }
        return source
    }

    /// Ascending insertion sort of a short run.
    static func insertionSort(_ entries: UnsafeMutablePointer<UInt64>, count: Int) {
        guard count > 1 else { return }
        for i in 1..<count {
            let entry = entries[i]
            var j = i
            while j > 0 && entries[j - 1] > entry {
                entries[j] = entries[j - 1]
                j -= 1
            }
            entries[j] = entry
        }
    }
}
