import LossCore

/// Tensors parsed straight from the bytes into their storage (`[Float]` for the default float32,
/// `[UInt8]` for a uint8 mask, …) without a `JSONValue` tree, a `[Double]` or a copy in between.
///
/// The fast path accepts what clients actually send — rectangular nested arrays of number
/// literals (booleans and the non-finite strings allowed where the dtype takes them), or a
/// `{"shape", "dtype", "data"}` object whose `data` is such an array — and converts each literal
/// exactly as ``FlatElements`` converts its double. Anything else (a malformed byte, a ragged
/// array, an empty one, an out-of-range value, a scalar, an unknown key, …) makes it *decline*:
/// the caller rewinds and parses the same bytes through the general parser and
/// ``JSONTensorDecoder``, so every syntax error and every decoding error keeps its message and
/// position, and the fast path never has to reproduce them.
extension JSONParser {
    /// What a tensor member of a document became.
    enum TensorSlot: Sendable {
        /// Parsed by the fast path.
        case decoded(Tensor)
        /// Declined by the fast path; the general parser's value, decoded on request.
        case deferred(JSONValue)
    }

    /// Parses the value at `position` as a tensor: fast when possible, else as a plain value.
    /// - Returns: `nil` for `null`.
    mutating func parseTensorMember(dtypeDefault: DTypeDefault) throws(JSONParseError) -> TensorSlot? {
        skipWhitespace()
        let start = position
        let startDepth = depth
        if let tensor = parseTensorFast(dtypeDefault) { return .decoded(tensor) }
        position = start
        depth = startDepth
        let value = try parseValue()
        return value.isNull ? nil : .deferred(value)
    }

    /// The fast path for the value at `position`; `nil` declines (position and depth then arbitrary).
    mutating func parseTensorFast(_ dtypeDefault: DTypeDefault) -> Tensor? {
        guard position < input.count else { return nil }
        switch input[position] {
        case UInt8(ascii: "["):
            let target: DType? = if case .fixed(let dtype) = dtypeDefault { dtype } else { nil }
            guard let (shape, storage) = parseNestedFast(target, expectedCount: nil) else { return nil }
            return Tensor(unchecked: shape, storage: storage)
        case UInt8(ascii: "{"):
            return parseTensorObjectFast(dtypeDefault)
        default:
            return nil
        }
    }

    /// `{"shape": …, "dtype": …, "data": [...]}` in any key order.
    private mutating func parseTensorObjectFast(_ dtypeDefault: DTypeDefault) -> Tensor? {
        depth &+= 1
        guard depth <= maxDepth else { return nil }
        let objectDepth = depth
        position &+= 1
        var shapeValue: JSONValue?
        var dtypeValue: JSONValue?
        var data: (shape: [Int], storage: Tensor.Storage, target: DType?)?
        var dataStart = 0
        var seen: UInt8 = 0
        skipWhitespace()
        guard position < input.count, input[position] != UInt8(ascii: "}") else { return nil }
        while true {
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: "\"") else { return nil }
            guard let key = try? parseString() else { return nil }
            let bit: UInt8 = switch key {
            case "shape": 1
            case "dtype": 2
            case "data": 4
            default: 0
            }
            guard bit != 0, seen & bit == 0 else { return nil }
            seen |= bit
            skipWhitespace()
            guard position < input.count, input[position] == UInt8(ascii: ":") else { return nil }
            position &+= 1
            skipWhitespace()
            switch bit {
            case 1:
                guard let value = try? parseValue() else { return nil }
                shapeValue = value
            case 2:
                guard let value = try? parseValue() else { return nil }
                dtypeValue = value
            default:
                guard position < input.count, input[position] == UInt8(ascii: "[") else { return nil }
                dataStart = position
                // The dtype if it came first; otherwise assume the default and check at the end.
                guard let explicit = Self.explicitDType(dtypeValue) else { return nil }
                let target = explicit ?? Self.defaultTarget(dtypeDefault)
                let expected = shapeValue.flatMap { try? JSONTensorDecoder.parseShape($0, field: "") }.flatMap(Tensor.elementCount(of:))
                guard let parsed = parseNestedFast(target, expectedCount: expected) else { return nil }
                data = (parsed.shape, parsed.storage, target)
            }
            skipWhitespace()
            guard position < input.count else { return nil }
            if input[position] == UInt8(ascii: "}") {
                position &+= 1
                break
            }
            guard input[position] == UInt8(ascii: ",") else { return nil }
            position &+= 1
            skipWhitespace()
            guard position < input.count, input[position] != UInt8(ascii: "}") else { return nil }
        }
        depth &-= 1
        guard var (shape, storage, target) = data else { return nil }
        guard let explicit = Self.explicitDType(dtypeValue) else { return nil }
        let finalTarget = explicit ?? Self.defaultTarget(dtypeDefault)
        if finalTarget != target {
            // "dtype" came after "data" and differs from what was assumed: parse the data again.
            let end = position
            position = dataStart
            depth = objectDepth
            guard let parsed = parseNestedFast(finalTarget, expectedCount: storage.count) else { return nil }
            (shape, storage, target) = (parsed.shape, parsed.storage, finalTarget)
            position = end
            depth = objectDepth &- 1
        }
        if let shapeValue, !shapeValue.isNull {
            guard let declared = try? JSONTensorDecoder.parseShape(shapeValue, field: ""),
                  let count = Tensor.elementCount(of: declared), count == storage.count else { return nil }
            shape = declared
        }
        return Tensor(unchecked: shape, storage: storage)
    }

    /// `.some(dtype)` for a valid `"dtype"` member (`.some(nil)` when absent or `null`), `nil` when invalid.
    private static func explicitDType(_ value: JSONValue?) -> DType?? {
        do {
            return .some(try JSONTensorDecoder.parseDType(value, field: ""))
        } catch {
            return nil
        }
    }

    /// The dtype a default fixes, or `nil` to infer it.
    private static func defaultTarget(_ dtypeDefault: DTypeDefault) -> DType? {
        if case .fixed(let dtype) = dtypeDefault { return dtype }
        return nil
    }

    /// Nested arrays at `position` into the storage of `target` (`nil`: inferred).
    /// - Parameter expectedCount: The element count if known (from `shape`), to size the storage once.
    mutating func parseNestedFast(_ target: DType?, expectedCount: Int?) -> (shape: [Int], storage: Tensor.Storage)? {
        switch target {
        case nil:
            var sink = InferringSink()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .float32?:
            var sink = Float32Sink()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .float64?:
            var sink = Float64Sink()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .float16?:
            var sink = HalfSink()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .bfloat16?:
            var sink = HalfSink()
            sink.brain = true
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .int64?:
            var sink = IntegerSink<Int64>()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .int32?:
            var sink = IntegerSink<Int32>()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .uint8?:
            var sink = IntegerSink<UInt8>()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        case .bool?:
            var sink = BoolSink()
            return parseNestedFast(into: &sink, expectedCount: expectedCount)
        }
    }

    /// Book-keeping of one nested-array walk.
    struct NestedWalk {
        /// Extent per nesting level, −1 until the level's first array closes.
        var shape: [Int] = []
        /// The level holding the scalars, −1 until the first scalar.
        var leafLevel = -1
        /// Offset of the outermost `[`, to estimate the element count from the first elements.
        var start: Int
        /// Whether the storage has been sized.
        var reserved: Bool
    }

    @inline(never)
    private mutating func parseNestedFast<Sink: TensorElementSink>(into sink: inout Sink, expectedCount: Int?) -> (shape: [Int], storage: Tensor.Storage)? {
        var walk = NestedWalk(start: position, reserved: false)
        if let expectedCount, expectedCount <= input.count - position {
            // Every element takes at least one byte, so a larger count is a lie caught later.
            sink.reserve(expectedCount)
            walk.reserved = true
        }
        guard parseArrayLevel(0, &walk, &sink) else { return nil }
        return (walk.shape, sink.storage())
    }

    /// One `[ … ]` at nesting `level` (0 = outermost), with `position` at its `[`.
    private mutating func parseArrayLevel<Sink: TensorElementSink>(_ level: Int, _ walk: inout NestedWalk, _ sink: inout Sink) -> Bool {
        depth &+= 1
        guard depth <= maxDepth else { return false }
        position &+= 1
        skipWhitespace()
        // Empty arrays (shape with a zero) are left to the general path.
        guard position < input.count, input[position] != UInt8(ascii: "]") else { return false }
        if walk.shape.count == level { walk.shape.append(-1) }
        if walk.leafLevel < 0 && input[position] != UInt8(ascii: "[") { walk.leafLevel = level }
        var count = 0
        if level == walk.leafLevel {
            guard parseLeafElements(&count, &walk, &sink) else { return false }
        } else {
            while true {
                guard input[position] == UInt8(ascii: "["), level < walk.leafLevel || walk.leafLevel < 0 else { return false }
                guard parseArrayLevel(level &+ 1, &walk, &sink) else { return false }
                count &+= 1
                guard let closed = separator() else { return false }
                if closed { break }
            }
        }
        if walk.shape[level] < 0 {
            walk.shape[level] = count
        } else if walk.shape[level] != count {
            return false
        }
        depth &-= 1
        return true
    }

    /// After an element: skips `,` (and whitespace) or `]`. `true` when the array closed, `false`
    /// for a comma with another element after it, `nil` for anything else (including `, ]`).
    @inline(__always)
    private mutating func separator() -> Bool? {
        skipWhitespace()
        guard position < input.count else { return nil }
        let byte = input[position]
        position &+= 1
        if byte == UInt8(ascii: "]") { return true }
        guard byte == UInt8(ascii: ",") else { return nil }
        skipWhitespace()
        guard position < input.count, input[position] != UInt8(ascii: "]") else { return nil }
        return false
    }

    /// The scalars of an innermost array, `position` at the first; leaves `position` after `]`.
    @inline(__always)
    private mutating func parseLeafElements<Sink: TensorElementSink>(_ count: inout Int, _ walk: inout NestedWalk, _ sink: inout Sink) -> Bool {
        var sawNumber = false
        var sawBool = false
        while true {
            let byte = input[position]
            if Sink.prefersIntegers, byte &- UInt8(ascii: "0") < 10, let magnitude = scanShortInteger() {
                // Masks and class indices: a few digits and a separator, without the general scanner.
                guard sink.append(magnitude: magnitude, negative: false) else { return false }
                sawNumber = true
            } else if byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-") {
                guard let literal = try? scanNumber() else { return false }
                if Sink.prefersIntegers, literal.integral, !literal.truncated, literal.exponent == 0, literal.significand <= 1 << 53 {
                    guard sink.append(magnitude: literal.significand, negative: literal.negative) else { return false }
                } else {
                    guard let value = try? doubleValue(of: literal), sink.append(value, integral: literal.integral) else { return false }
                }
                sawNumber = true
            } else if byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") {
                guard let flag = scanBoolean(), sink.append(flag) else { return false }
                sawBool = true
            } else if byte == UInt8(ascii: "\"") {
                guard let text = try? parseString(), let value = NonFiniteLiteral.value(of: text),
                      sink.appendNonFinite(value) else { return false }
            } else {
                return false
            }
            count &+= 1
            if !walk.reserved && sink.count == 64 { reserveFromFirstElements(&walk, &sink) }
            guard let closed = separator() else { return false }
            if closed { break }
        }
        if Sink.rejectsMixedLiterals && sawNumber && sawBool { return false }
        return true
    }

    /// A non-negative integer literal of at most 15 digits at `position` (a digit), or `nil` when
    /// the literal is anything else (a fraction, an exponent, a leading zero, more digits): the
    /// general scanner then reads it. Leaves `position` after the literal on success.
    @inline(__always)
    private mutating func scanShortInteger() -> UInt64? {
        let base = input.baseAddress!
        let end = input.count
        var p = position
        var value: UInt64 = 0
        while p < end, case let digit = base[p] &- 0x30, digit < 10 {
            value = value &* 10 &+ UInt64(digit)
            p &+= 1
        }
        let digits = p &- position
        // A leading zero (`01`) is the general scanner's to reject; computed without a branch on
        // the (random) first digit.
        let leadingZero = (digits > 1 ? 1 : 0) & (base[position] == UInt8(ascii: "0") ? 1 : 0)
        guard digits <= 15, leadingZero == 0 else { return nil }
        if p < end {
            let next = base[p]
            guard next != UInt8(ascii: "."), next | 0x20 != UInt8(ascii: "e") else { return nil }
        }
        position = p
        return value
    }

    /// `true` or `false` at `position`, or `nil`.
    @inline(__always)
    private mutating func scanBoolean() -> Bool? {
        let remaining = input.count &- position
        let base = input.baseAddress! + position
        if base[0] == UInt8(ascii: "t") {
            guard remaining >= 4, base[1] == UInt8(ascii: "r"), base[2] == UInt8(ascii: "u"), base[3] == UInt8(ascii: "e") else { return nil }
            position &+= 4
            return true
        }
        guard remaining >= 5, base[1] == UInt8(ascii: "a"), base[2] == UInt8(ascii: "l"), base[3] == UInt8(ascii: "s"),
              base[4] == UInt8(ascii: "e") else { return nil }
        position &+= 5
        return false
    }

    /// Sizes the storage from the bytes the first elements took: the rest of the input at that
    /// rate (an over-estimate when other members follow the tensor, never more than one element
    /// per two bytes).
    private mutating func reserveFromFirstElements<Sink: TensorElementSink>(_ walk: inout NestedWalk, _ sink: inout Sink) {
        walk.reserved = true
        let used = max(1, position &- walk.start)
        let remaining = input.count &- position
        let estimate = Int(Double(remaining) * Double(sink.count) / Double(used) * 1.02) &+ 16
        sink.reserve(min(estimate, remaining / 2 &+ 1))
    }
}
