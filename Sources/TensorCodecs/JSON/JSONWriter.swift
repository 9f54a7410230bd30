import LossCore

/// Builds a JSON document by appending UTF-8 bytes to an array.
///
/// Commas are inserted automatically: call ``beginObject()``, then ``key(_:)`` before each
/// member's value, then ``endObject()``; arrays the same without keys. Numbers print in
/// the shortest form that parses back to the same value (floats as `Float`, not widened),
/// non-finite numbers as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, and no
/// per-element heap allocation happens while writing tensor data.
public struct JSONWriter {
    /// Accumulates bytes; also a `TextOutputStream` so floats can print themselves into it.
    struct ByteSink: TextOutputStream {
        var bytes: [UInt8]

        mutating func write(_ string: String) {
            bytes.append(contentsOf: string.utf8)
        }

        /// Called by the standard library's float printing with its stack buffer, which
        /// spares the intermediate `String`.
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
            bytes.append(contentsOf: buffer)
        }
    }

    var sink: ByteSink
    /// Whether the next value in the current container needs a separating comma.
    var needsComma = false

    /// An empty document.
    /// - Parameter capacity: Bytes to reserve up front.
    public init(reservingCapacity capacity: Int = 256) {
        sink = ByteSink(bytes: [])
        sink.bytes.reserveCapacity(capacity)
    }

    /// The document written so far.
    public var bytes: [UInt8] { sink.bytes }

    /// The document written so far, as a string.
    public var string: String { String(decoding: sink.bytes, as: UTF8.self) }

    /// Reserves room for at least `additional` more bytes.
    public mutating func reserve(additional: Int) {
        sink.bytes.reserveCapacity(sink.bytes.count + max(0, additional))
    }

    /// Opens an object (`{`).
    public mutating func beginObject() {
        separate()
        sink.bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    /// Closes the innermost object (`}`).
    public mutating func endObject() {
        sink.bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Opens an array (`[`).
    public mutating func beginArray() {
        separate()
        sink.bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    /// Closes the innermost array (`]`).
    public mutating func endArray() {
        sink.bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object key and the colon; the next call writes its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        sink.bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string value, escaped.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        appendBool(value)
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        appendASCII("null")
    }

    /// Writes a `Double` in shortest round-trip form (non-finite as a string).
    public mutating func number(_ value: Double) {
        separate()
        appendDouble(value)
    }

    /// Writes a `Float` in its own shortest round-trip form (non-finite as a string).
    public mutating func number(_ value: Float) {
        separate()
        appendFloat(value)
    }

    /// Writes an integer.
    public mutating func integer(_ value: Int64) {
        separate()
        appendInteger(value)
    }

    /// Writes an integer.
    public mutating func integer(_ value: Int) {
        integer(Int64(value))
    }

    /// Writes an array of integers, e.g. a shape.
    public mutating func integers(_ values: [Int]) {
        beginArray()
        for (index, value) in values.enumerated() {
            if index > 0 { sink.bytes.append(UInt8(ascii: ",")) }
            appendInteger(Int64(value))
        }
        endArray()
    }

    /// Writes any ``JSONValue``.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .numbers(let numbers, _):
            beginArray()
            for number in numbers { self.number(number) }
            endArray()
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for (name, member) in object {
                key(name)
                self.value(member)
            }
            endObject()
        }
    }

    /// Appends bytes that already form one complete JSON value (e.g. a cached fragment).
    public mutating func rawValue(_ json: [UInt8]) {
        separate()
        sink.bytes.append(contentsOf: json)
    }

    @inline(__always)
    mutating func separate() {
        if needsComma { sink.bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    mutating func appendASCII(_ text: StaticString) {
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func appendBool(_ value: Bool) {
        if value { appendASCII("true") } else { appendASCII("false") }
    }
}
