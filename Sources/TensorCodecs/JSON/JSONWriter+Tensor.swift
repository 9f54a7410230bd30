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
            reserve(additional: values.count * 12)
            writeElements(values) { writer, value in writer.appendFloat(value) }
        case .float64(let values):
            reserve(additional: values.count * 20)
            writeElements(values) { writer, value in writer.appendDouble(value) }
        case .float16(let values):
            reserve(additional: values.count * 10)
            writeElements(values) { writer, bits in writer.appendFloat(HalfPrecision.float(fromHalf: bits)) }
        case .bfloat16(let values):
            reserve(additional: values.count * 10)
            writeElements(values) { writer, bits in writer.appendFloat(HalfPrecision.float(fromBFloat16: bits)) }
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

    /// Comma-separated elements; the generic closure is inlined per dtype, nothing stored per element.
    @inline(__always)
    private mutating func writeElements<Element>(_ values: [Element], _ write: (inout JSONWriter, Element) -> Void) {
        for index in values.indices {
            if index > 0 { sink.bytes.append(UInt8(ascii: ",")) }
            write(&self, values[index])
        }
    }
}
