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

/// Prints `count` pseudo-random doubles (random bits, float32-derived, subnormals, integers,
/// powers of two, short decimals) with `JSONWriter` and with the standard library and compares
/// the bytes; two threads.
func randomFloat64Check(count: Int) {
    let threads = 2
    let batch = 4096
    let mismatches = Mutex(0)
    let start = Date()
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
        var random = SplitMix64(seed: 0xF10A7_0000 &+ UInt64(thread))
        var found = 0
        var done = 0
        var values = [Double](repeating: 0, count: batch)
        while done < count / threads {
            for index in 0..<batch {
                let raw = random.next()
                switch raw % 7 {
                case 0, 1: values[index] = Double(bitPattern: raw)
                case 2: values[index] = Double(Float(bitPattern: UInt32(truncatingIfNeeded: raw >> 7)))
                case 3: values[index] = Double(bitPattern: raw & 0x800F_FFFF_FFFF_FFFF)
                case 4: values[index] = Double(Int64(bitPattern: raw) >> Int64((raw >> 8) % 64))
                case 5: values[index] = Double(bitPattern: raw & 0xFFF0_0000_0000_0000)
                default: values[index] = Double("\((raw >> 12) % 100_000_000)e\(Int((raw >> 4) % 600) - 300)") ?? 0
                }
                if !values[index].isFinite { values[index] = 0 }
            }
            var writer = JSONWriter(reservingCapacity: batch * 26)
            var reference = ReferenceSink()
            reference.bytes.reserveCapacity(batch * 26)
            writer.beginArray()
            reference.bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                writer.number(value)
                if index > 0 { reference.bytes.append(UInt8(ascii: ",")) }
                value.write(to: &reference)
            }
            writer.endArray()
            reference.bytes.append(UInt8(ascii: "]"))
            if writer.bytes != reference.bytes {
                for value in values {
                    var one = JSONWriter()
                    one.number(value)
                    var expected = ReferenceSink()
                    value.write(to: &expected)
                    if one.bytes != expected.bytes {
                        found += 1
                        if found <= 20 { print("mismatch 0x\(String(value.bitPattern, radix: 16)): \(String(decoding: one.bytes, as: UTF8.self)) vs \(String(decoding: expected.bytes, as: UTF8.self))") }
                    }
                }
            }
            done += batch
        }
        mismatches.withLock { $0 += found }
    }
    print("random float64: \(mismatches.withLock { $0 }) mismatches over \(count) values, \(Int(Date().timeIntervalSince(start))) s")
}
