import LossCore

extension JSONWriter {
    /// Writes `{"shape":[…],"dtype":"…","data":[…]}` with flat row-major data.
    ///
    /// Floating-point elements print in shortest round-trip form of their own precision;
    /// float16 and bfloat16 print as the `Float` values they denote. Non-finite elements
    /// become `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public mutating func tensor(_ tensor: Tensor) {
        beginObject()
        key("shape")
        integers(tensor.shape)
        key("dtype")
        string(tensor.dtype.rawValue)
        key("data")
        flatData(of: tensor)
        endObject()
    }

    /// Writes only the elements of `tensor` as one flat JSON array (KServe's `data`).
    public mutating func flatData(of tensor: Tensor) {
        beginArray()
        switch tensor.storage {
        case .float32(let values):
            values.withUnsafeBufferPointer { appendFloats($0, maxLength: FloatPrinter.maxFloatLength) { $0 } }
        case .float64(let values):
            values.withUnsafeBufferPointer { appendFloats($0, maxLength: FloatPrinter.maxDoubleLength) { $0 } }
        case .float16(let values):
            values.withUnsafeBufferPointer { appendFloats($0, maxLength: FloatPrinter.maxFloatLength, HalfPrecision.float(fromHalf:)) }
        case .bfloat16(let values):
            values.withUnsafeBufferPointer { appendFloats($0, maxLength: FloatPrinter.maxFloatLength, HalfPrecision.float(fromBFloat16:)) }
        case .int64(let values):
            writeElements(values) { writer, value in writer.appendInteger(value) }
        case .int32(let values):
            writeElements(values) { writer, value in writer.appendInteger(Int64(value)) }
        case .uint8(let values):
            writeElements(values) { writer, value in writer.appendInteger(Int64(value)) }
        case .bool(let values):
            writeElements(values) { writer, value in writer.appendBool(value) }
        }
        endArray()
    }

    /// Writes a loss parameter: integral numbers below 2^53 print without a fraction.
    public mutating func parameter(_ value: ParameterValue) {
        switch value {
        case .number(let number): parameterNumber(number)
        case .bool(let flag): bool(flag)
        case .string(let text): string(text)
        case .null: null()
        case .numbers(let numbers):
            beginArray()
            for number in numbers { parameterNumber(number) }
            endArray()
        }
    }

    private mutating func parameterNumber(_ number: Double) {
        if number.isFinite, number == number.rounded(), abs(number) < 0x1p53 {
            integer(Int64(number))
        } else {
            self.number(number)
        }
    }

    /// Comma-separated floats printed straight into the output array: per chunk of elements the
    /// array grows by the chunk's worst-case length, the printer writes into that room, and the
    /// unused tail is dropped. No `String` or other allocation per element.
    ///
    /// Never inlined: each element type gets its own specialised function, small enough for the
    /// optimiser to inline the whole printer into the loop (inside `flatData`'s eight dtype cases
    /// it stops inlining once the caller is large).
    @inline(never)
    private mutating func appendFloats<Element, Value: PrintableFloat>(
        _ values: UnsafeBufferPointer<Element>, maxLength: Int, _ convert: (Element) -> Value
    ) {
        let powers = PowersOfFive.shared
        let chunk = 4096
        let maxElementLength = maxLength + 1  // the comma
        // 14 bytes per element covers typical float32 gradients ("-1.2345678e-07," is 15, "0.12345678," 11).
        reserve(additional: values.count * 14 + chunk * maxElementLength)
        var index = 0
        while index < values.count {
            let end = min(values.count, index + chunk)
            let room = (end - index) * maxElementLength + FloatPrinter.slack
            let start = sink.bytes.count
            sink.bytes.append(contentsOf: repeatElement(0, count: room))
            let written = sink.bytes.withUnsafeMutableBufferPointer { buffer -> Int in
                let first = buffer.baseAddress! + start
                var p = first
                for position in index..<end {
                    if position > 0 {
                        p.pointee = UInt8(ascii: ",")
                        p += 1
                    }
                    p += Self.printElement(convert(values[position]), to: p, powers)
                }
                return p - first
            }
            sink.bytes.removeLast(room - written)
            index = end
        }
    }

    /// One element: shortest digits, or `"NaN"`, `"Infinity"`, `"-Infinity"` (at most 11 bytes).
    @inline(__always)
    private static func printElement<Value: PrintableFloat>(_ value: Value, to p: UnsafeMutablePointer<UInt8>, _ powers: PowersOfFive) -> Int {
        guard value.isFinite else {
            let text: StaticString = value.isNaN ? "\"NaN\"" : value < 0 ? "\"-Infinity\"" : "\"Infinity\""
            p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
            return text.utf8CodeUnitCount
        }
        return value.print(to: p, powers)
    }

    /// Comma-separated elements; the generic closure is inlined per dtype, nothing stored per element.
    @inline(__always)
    private mutating func writeElements<Element>(_ values: [Element], _ write: (inout JSONWriter, Element) -> Void) {
        for index in values.indices {
            if index > 0 { sink.bytes.append(UInt8(ascii: ",")) }
            write(&self, values[index])
        }
    }
}

/// `Float` and `Double`, for the generic element writer.
protocol PrintableFloat: BinaryFloatingPoint {
    /// ``FloatPrinter/write(_:to:_:)`` for this type.
    func print(to out: UnsafeMutablePointer<UInt8>, _ powers: PowersOfFive) -> Int
}

extension Float: PrintableFloat {
    @inline(__always)
    func print(to out: UnsafeMutablePointer<UInt8>, _ powers: PowersOfFive) -> Int { FloatPrinter.write(self, to: out, powers) }
}

extension Double: PrintableFloat {
    @inline(__always)
    func print(to out: UnsafeMutablePointer<UInt8>, _ powers: PowersOfFive) -> Int { FloatPrinter.write(self, to: out, powers) }
}
