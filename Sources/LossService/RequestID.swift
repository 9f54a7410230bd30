/// Random request ids: RFC 9562 version-4 UUIDs in lowercase, as `UUID().uuidString.lowercased()`
/// prints them.
///
/// Foundation's `UUID()` on Linux opens and stats `/dev/urandom` for every id; this takes its 128
/// bits from the system generator (`getrandom`) and formats them by hand — on a 1K-element JSON
/// request under wrk the id had been ~4 % of lossd's CPU.
enum RequestID {
    private static let hex = Array("0123456789abcdef".utf8)

    /// A fresh random id, e.g. `3f2b9c1e-7a4d-4e8f-9b2a-0c1d2e3f4a5b`.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        high = (high & ~0xF000) | 0x4000 // version 4
        low = (low & ~(0xC << 60)) | (0x8 << 60) // variant 10
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func put(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = hex[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            put(high >> 32, nibbles: 8); dash()
            put(high >> 16, nibbles: 4); dash()
            put(high, nibbles: 4); dash()
            put(low >> 48, nibbles: 4); dash()
            put(low, nibbles: 12)
            return index
        }
    }
}
