import LossCore

/// Where the fast tensor parser (``JSONParser/parseTensorFast(_:)``) puts each element: one
/// conformer per storage type, each converting exactly as ``FlatElements/storage(as:field:)``
/// does from the correctly rounded double, or declining (`false`) where that code would throw or
/// where a rare case is easier left to it. A decline makes the caller re-parse the tensor through
/// the `JSONValue` path, so errors keep their exact messages.
protocol TensorElementSink {
    init()
    /// Room for `count` more elements.
    mutating func reserve(_ count: Int)
    /// Elements so far.
    var count: Int { get }
    /// Integer literals (no fraction, no exponent, at most 2^53) are offered as magnitude and sign
    /// when this is true; otherwise every number arrives as a double.
    static var prefersIntegers: Bool { get }
    /// Whether an innermost array mixing number literals with booleans must be declined (only
    /// dtype inference cares: there a whole number next to a boolean counts as an integer).
    static var rejectsMixedLiterals: Bool { get }
    /// An integer literal `±magnitude` (`negative` with magnitude 0 is the literal `-0`).
    mutating func append(magnitude: UInt64, negative: Bool) -> Bool
    /// A number literal as its correctly rounded double; `integral` when it had neither fraction nor exponent.
    mutating func append(_ value: Double, integral: Bool) -> Bool
    /// `true` or `false`.
    mutating func append(_ flag: Bool) -> Bool
    /// `"NaN"`, `"Infinity"`, … as a double.
    mutating func appendNonFinite(_ value: Double) -> Bool
    /// The storage the elements make.
    func storage() -> Tensor.Storage
}

/// Growable element storage for the fast parser: `append` is a capacity check and a store (an
/// `Array` append also calls the runtime's uniqueness check, which costs more than parsing a
/// mask element). The elements move into the `Array` a ``Tensor`` holds once, at the end.
struct ElementBuffer<Element> {
    /// Owns the memory so it is freed however the parse ends.
    private final class Allocation {
        var base: UnsafeMutablePointer<Element>
        init(capacity: Int) { base = .allocate(capacity: capacity) }
        deinit { base.deallocate() }
    }

    private let allocation: Allocation
    private var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(capacity, 16)
        allocation = Allocation(capacity: self.capacity)
        base = allocation.base
    }

    /// Room for `additional` more elements.
    mutating func reserve(_ additional: Int) {
        if count + additional > capacity { grow(to: count + additional) }
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(to: capacity * 2) }
        (base + count).initialize(to: element)
        count &+= 1
    }

    @inline(never)
    private mutating func grow(to newCapacity: Int) {
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        grown.moveInitialize(from: base, count: count)
        allocation.base.deallocate()
        allocation.base = grown
        base = grown
        capacity = newCapacity
    }

    /// Element `index` (< count).
    subscript(index: Int) -> Element { base[index] }

    /// The elements as an array (one copy).
    func array() -> [Element] {
        guard count > 0 else { return [] }
        return Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.initialize(from: base, count: count)
            initialized = count
        }
    }
}

extension TensorElementSink {
    static var prefersIntegers: Bool { false }
    static var rejectsMixedLiterals: Bool { false }
    mutating func append(magnitude: UInt64, negative: Bool) -> Bool {
        append(negative ? -Double(magnitude) : Double(magnitude), integral: true)
    }
}

/// `float32` elements.
struct Float32Sink: TensorElementSink {
    var values = ElementBuffer<Float>()
    mutating func reserve(_ count: Int) { values.reserve(count) }
    var count: Int { values.count }
    @inline(__always)
    mutating func append(_ value: Double, integral: Bool) -> Bool {
        values.append(Float(value))
        return true
    }
    mutating func append(_ flag: Bool) -> Bool { append(flag ? 1 : 0, integral: true) }
    mutating func appendNonFinite(_ value: Double) -> Bool { append(value, integral: false) }
    func storage() -> Tensor.Storage { .float32(values.array()) }
}

/// `float64` elements.
struct Float64Sink: TensorElementSink {
    var values = ElementBuffer<Double>()
    mutating func reserve(_ count: Int) { values.reserve(count) }
    var count: Int { values.count }
    @inline(__always)
    mutating func append(_ value: Double, integral: Bool) -> Bool {
        values.append(value)
        return true
    }
    mutating func append(_ flag: Bool) -> Bool { append(flag ? 1 : 0, integral: true) }
    mutating func appendNonFinite(_ value: Double) -> Bool { append(value, integral: false) }
    func storage() -> Tensor.Storage { .float64(values.array()) }
}

/// `float16` or `bfloat16` elements: double → float → 16 bits, as the JSONValue path rounds.
struct HalfSink: TensorElementSink {
    var values = ElementBuffer<UInt16>()
    var brain = false
    mutating func reserve(_ count: Int) { values.reserve(count) }
    var count: Int { values.count }
    @inline(__always)
    mutating func append(_ value: Double, integral: Bool) -> Bool {
        values.append(brain ? HalfPrecision.bfloat16(from: Float(value)) : HalfPrecision.half(from: Float(value)))
        return true
    }
    mutating func append(_ flag: Bool) -> Bool { append(flag ? 1 : 0, integral: true) }
    mutating func appendNonFinite(_ value: Double) -> Bool { append(value, integral: false) }
    func storage() -> Tensor.Storage { brain ? .bfloat16(values.array()) : .float16(values.array()) }
}

/// `int64`, `int32` or `uint8` elements: whole values in range, else declined (the JSONValue
/// path then reports the element, as it always did).
struct IntegerSink<Integer: FixedWidthInteger & Sendable>: TensorElementSink {
    var values = ElementBuffer<Integer>()
    mutating func reserve(_ count: Int) { values.reserve(count) }
    var count: Int { values.count }
    static var prefersIntegers: Bool { true }

    @inline(__always)
    mutating func append(magnitude: UInt64, negative: Bool) -> Bool {
        if negative {
            guard magnitude <= Integer.min.magnitude else { return false }
            values.append(magnitude == 0 ? 0 : Integer(truncatingIfNeeded: 0 &- magnitude))
        } else {
            guard magnitude <= UInt64(Integer.max) else { return false }
            values.append(Integer(truncatingIfNeeded: magnitude))
        }
        return true
    }

    mutating func append(_ value: Double, integral: Bool) -> Bool {
        // As FlatElements.integers: finite, whole, and min ≤ value < max + 1 (both powers of two).
        guard value.isFinite, value == value.rounded(),
              value >= Double(Integer.min), value < Double(Integer.max) + 1 else { return false }
        values.append(Integer(value))
        return true
    }

    mutating func append(_ flag: Bool) -> Bool {
        values.append(flag ? 1 : 0)
        return true
    }

    mutating func appendNonFinite(_ value: Double) -> Bool { false }

    func storage() -> Tensor.Storage {
        switch values.array() {
        case let values as [Int64]: .int64(values)
        case let values as [Int32]: .int32(values)
        case let values as [UInt8]: .uint8(values)
        default: fatalError("unsupported integer storage")
        }
    }
}

/// `bool` elements: booleans, 0 and 1.
struct BoolSink: TensorElementSink {
    var values = ElementBuffer<Bool>()
    mutating func reserve(_ count: Int) { values.reserve(count) }
    var count: Int { values.count }
    static var prefersIntegers: Bool { true }

    @inline(__always)
    mutating func append(magnitude: UInt64, negative: Bool) -> Bool {
        guard magnitude <= 1, !(negative && magnitude == 1) else { return false }
        values.append(magnitude == 1)
        return true
    }

    mutating func append(_ value: Double, integral: Bool) -> Bool {
        guard value == 0 || value == 1 else { return false }
        values.append(value == 1)
        return true
    }

    mutating func append(_ flag: Bool) -> Bool {
        values.append(flag)
        return true
    }

    mutating func appendNonFinite(_ value: Double) -> Bool { false }

    func storage() -> Tensor.Storage { .bool(values.array()) }
}

/// The dtype `torch.tensor` would pick (``FlatElements/inferredDType``): integers are kept as
/// `int64` until a fraction, an exponent or a non-finite string appears; then everything so far
/// becomes `float32` (each integer through its exact double, as the JSONValue path rounds).
/// Booleans alone make `bool`.
struct InferringSink: TensorElementSink {
    var integers = ElementBuffer<Int64>()
    var floats = ElementBuffer<Float>(capacity: 0)
    var isFloat = false
    var allBool = true
    mutating func reserve(_ count: Int) {
        if isFloat { floats.reserve(count) } else { integers.reserve(count) }
    }
    var count: Int { isFloat ? floats.count : integers.count }
    static var prefersIntegers: Bool { true }
    static var rejectsMixedLiterals: Bool { true }

    @inline(__always)
    mutating func append(magnitude: UInt64, negative: Bool) -> Bool {
        allBool = false
        if isFloat {
            floats.append(Float(negative ? -Double(magnitude) : Double(magnitude)))
            return true
        }
        // `-0` would have to become -0.0 if a float turned up later; rare enough to decline.
        guard !(negative && magnitude == 0) else { return false }
        integers.append(negative ? -Int64(magnitude) : Int64(magnitude))
        return true
    }

    mutating func append(_ value: Double, integral: Bool) -> Bool {
        allBool = false
        if isFloat {
            floats.append(Float(value))
            return true
        }
        if integral {
            // A whole literal too long for the integer path: int64 as FlatElements converts it,
            // declined when out of range (it would be an error, or a float later).
            guard value >= -0x1p63, value < 0x1p63, value != 0 || value.sign == .plus else { return false }
            integers.append(Int64(value))
            return true
        }
        becomeFloat()
        floats.append(Float(value))
        return true
    }

    mutating func append(_ flag: Bool) -> Bool {
        if isFloat { floats.append(flag ? 1 : 0) } else { integers.append(flag ? 1 : 0) }
        return true
    }

    mutating func appendNonFinite(_ value: Double) -> Bool {
        allBool = false
        becomeFloat()
        floats.append(Float(value))
        return true
    }

    private mutating func becomeFloat() {
        guard !isFloat else { return }
        isFloat = true
        floats.reserve(integers.capacity)
        for index in 0..<integers.count { floats.append(Float(Double(integers[index]))) }
        integers = ElementBuffer(capacity: 0)
    }

    func storage() -> Tensor.Storage {
        if isFloat { return .float32(floats.array()) }
        if integers.count == 0 { return .float32([]) }
        if allBool { return .bool((0..<integers.count).map { integers[$0] == 1 }) }
        return .int64(integers.array())
    }
}
