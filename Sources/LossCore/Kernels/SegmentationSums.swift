import Dispatch
import Foundation

/// Per-group sums of pass 1: I = Σp·t, P = Σp (or Σp²), T = Σt, M = valid elements, E = Σ element term.
struct SegmentationGroupSums: Sendable {
    /// Number of sums kept per group.
    static let width = 5
    var intersection: Double
    var prediction: Double
    var truth: Double
    var valid: Double
    var elementTerm: Double
}

/// Pass 1 of every region loss: the sums of each (image, class) or (class) group.
///
/// Work is split into fixed chunks of pixels — within one image when `per_image`, across the
/// flattened batch otherwise — each with its own partial array, combined in chunk order, so
/// the sums do not depend on the number of threads.
enum SegmentationSums {
    /// Sums of every group: index `set·C + c`, where `set` is the image (per_image) or 0.
    static func compute<T: LossFloat>(input: [T], layout: SegmentationLayout, fromLogits: Bool, perImage: Bool,
                                      squared: Bool, term: SegmentationElementTerm?) -> [SegmentationGroupSums] {
        let classes = layout.classes
        let width = classes * SegmentationGroupSums.width
        let flat = accumulate(batch: layout.batch, pixels: layout.pixels, perImage: perImage, width: width) { range, slots in
            if layout.mode == .multiclass {
                multiclassChunk(input, layout, range, fromLogits: fromLogits, squared: squared, slots)
            } else {
                denseChunk(input, layout, range, fromLogits: fromLogits, squared: squared, term: term, slots)
            }
        }
        let k = SegmentationGroupSums.width
        return (0..<(flat.count / k)).map { g in
            SegmentationGroupSums(intersection: flat[g * k], prediction: flat[g * k + 1], truth: flat[g * k + 2],
                                  valid: flat[g * k + 3], elementTerm: flat[g * k + 4])
        }
    }

    /// Runs `body` on fixed pixel chunks and adds their partials (each `width` wide) in chunk order,
    /// per image when `perImage`, else into one set.
    static func accumulate(batch: Int, pixels: Int, perImage: Bool, width: Int,
                           _ body: (Range<Int>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        let chunk = ChunkedSum.chunkSize
        let total = batch * pixels
        let chunksPerImage = max(1, (pixels + chunk - 1) / chunk)
        let items = perImage ? batch * chunksPerImage : (total + chunk - 1) / chunk
        @Sendable func range(_ item: Int) -> Range<Int> {
            if !perImage { return item * chunk..<min((item + 1) * chunk, total) }
            let image = item / chunksPerImage, part = item % chunksPerImage
            return image * pixels + part * chunk..<image * pixels + min((part + 1) * chunk, pixels)
        }
        var partials = [Double](repeating: 0, count: items * width)
        partials.withUnsafeMutableBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return }
            withoutActuallyEscaping(body) { body in
                let shared = UncheckedSendable((start, body))
                let run = { @Sendable (item: Int) in
                    let slots = UnsafeMutableBufferPointer(start: shared.value.0 + item * width, count: width)
                    shared.value.1(range(item), slots)
                }
                if total >= ChunkedSum.parallelThreshold {
                    DispatchQueue.concurrentPerform(iterations: items, execute: run)
                } else {
                    for item in 0..<items { run(item) }
                }
            }
        }
        var sets = [Double](repeating: 0, count: (perImage ? batch : 1) * width)
        for item in 0..<items {
            let set = perImage ? item / chunksPerImage : 0
            for j in 0..<width { sets[set * width + j] += partials[item * width + j] }
        }
        return sets
    }

    private static func denseChunk<T: LossFloat>(_ input: [T], _ layout: SegmentationLayout, _ range: Range<Int>,
                                                 fromLogits: Bool, squared: Bool, term: SegmentationElementTerm?,
                                                 _ slots: UnsafeMutableBufferPointer<Double>) {
        let classes = layout.classes, pixels = layout.pixels
        var j = range.lowerBound
        while j < range.upperBound {
            let image = j / pixels
            let start = j - image * pixels
            let end = min(pixels, start + range.upperBound - j)
            for c in 0..<classes {
                let base = (image * classes + c) * pixels
                var i0 = 0.0, p0 = 0.0, t0 = 0.0, m0 = 0.0, e0 = 0.0
                for s in start..<end where layout.denseValid[base + s] {
                    let x = Double(input[base + s]), t = layout.dense[base + s]
                    let p = fromLogits ? SegmentationMath.sigmoid(x) : x
                    i0 += p * t
                    p0 += squared ? p * p : p
                    t0 += t
                    m0 += 1
                    if let term { e0 += term.value(x, target: t, fromLogits: fromLogits) }
                }
                let k = c * SegmentationGroupSums.width
                slots[k] += i0; slots[k + 1] += p0; slots[k + 2] += t0; slots[k + 3] += m0; slots[k + 4] += e0
            }
            j += end - start
        }
    }

    private static func multiclassChunk<T: LossFloat>(_ input: [T], _ layout: SegmentationLayout, _ range: Range<Int>,
                                                      fromLogits: Bool, squared: Bool,
                                                      _ slots: UnsafeMutableBufferPointer<Double>) {
        let classes = layout.classes, pixels = layout.pixels
        var probabilities = [Double](repeating: 0, count: classes)
        for j in range {
            let label = Int(layout.labels[j])
            if label < 0 { continue }
            let image = j / pixels
            let base = image * classes * pixels + (j - image * pixels)
            SegmentationSoftmax.probabilities(input, base: base, stride: pixels, fromLogits: fromLogits, into: &probabilities)
            for c in 0..<classes {
                let q = probabilities[c]
                let k = c * SegmentationGroupSums.width
                if c == label { slots[k] += q; slots[k + 2] += 1 }
                slots[k + 1] += squared ? q * q : q
                slots[k + 3] += 1
            }
        }
    }
}

/// Softmax over the class dimension at one pixel.
enum SegmentationSoftmax {
    /// Writes q_c for the pixel whose class-0 element is at `base` (classes `stride` apart).
    @inline(__always)
    static func probabilities<T: LossFloat>(_ input: [T], base: Int, stride: Int, fromLogits: Bool,
                                            into q: inout [Double]) {
        let classes = q.count
        if !fromLogits {
            for c in 0..<classes { q[c] = Double(input[base + c * stride]) }
            return
        }
        var largest = -Double.infinity
        for c in 0..<classes { largest = max(largest, Double(input[base + c * stride])) }
        var total = 0.0
        for c in 0..<classes {
            let e = exp(Double(input[base + c * stride]) - largest)
            q[c] = e
            total += e
        }
        for c in 0..<classes { q[c] /= total }
    }
}
