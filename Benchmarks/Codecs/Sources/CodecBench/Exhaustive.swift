import Foundation
import TensorCodecs

/// The bytes the writer produced before lossd had its own float printer: the standard library's
/// `Float.write(to:)`, which is what `JSONWriter` called per element.
struct ReferenceSink: TextOutputStream {
    var bytes: [UInt8] = []
    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
}

/// Prints every finite float32 bit pattern with `JSONWriter` and with the standard library and
/// compares the bytes; two threads, each half of the patterns, in batches of 4096.
func exhaustiveFloat32Check() {
    let threads = 2
    let batch: UInt64 = 4096
    let total: UInt64 = 1 << 32
    let mismatches = Mutex(0)
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
        var first = UInt64(thread) * (total / UInt64(threads))
        let end = first + total / UInt64(threads)
        var found = 0
        while first < end {
            var writer = JSONWriter(reservingCapacity: Int(batch) * 16)
            var reference = ReferenceSink()
            reference.bytes.reserveCapacity(Int(batch) * 16)
            writer.beginArray()
            reference.bytes.append(UInt8(ascii: "["))
            var wroteAny = false
            for bits in first..<first + batch {
                let value = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
                guard value.isFinite else { continue }
                writer.number(value)
                if wroteAny { reference.bytes.append(UInt8(ascii: ",")) }
                value.write(to: &reference)
                wroteAny = true
            }
            writer.endArray()
            reference.bytes.append(UInt8(ascii: "]"))
            if writer.bytes != reference.bytes {
                for bits in first..<first + batch {
                    let value = Float(bitPattern: UInt32(truncatingIfNeeded: bits))
                    guard value.isFinite else { continue }
                    var one = JSONWriter()
                    one.number(value)
                    var expected = ReferenceSink()
                    value.write(to: &expected)
                    if one.bytes != expected.bytes {
                        found += 1
                        if found <= 20 {
                            print("mismatch 0x\(String(bits, radix: 16)): \(String(decoding: one.bytes, as: UTF8.self)) vs \(String(decoding: expected.bytes, as: UTF8.self))")
                        }
                    }
                }
            }
            first += batch
            if thread == 0 && first % (1 << 28) == 0 {
                print("… \(first >> 20) Mi patterns per thread, \(Int(Date().timeIntervalSince(start))) s")
            }
        }
        mismatches.withLock { $0 += found }
    }
    let count = mismatches.withLock { $0 }
    print("exhaustive float32: \(count) mismatches over all 2^32 bit patterns (non-finite skipped), \(Int(Date().timeIntervalSince(start))) s")
}

import Synchronization
