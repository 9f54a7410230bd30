/// The members of a JSON object, in document order, with unique keys.
///
/// Lookup is a linear scan: request objects have a handful of keys, and a scan over
/// a few strings beats hashing them.
public struct JSONObject: Sendable, Equatable, Sequence {
    /// The keys, in document order.
    public private(set) var keys: [String]
    /// The values, parallel to ``keys``.
    public private(set) var values: [JSONValue]

    /// An empty object.
    public init() {
        keys = []
        values = []
    }

    /// An object from key/value pairs.
    /// - Returns: `nil` when a key repeats.
    public init?(_ members: [(String, JSONValue)]) {
        self.init()
        for (key, value) in members {
            guard insert(key, value) else { return nil }
        }
    }

    /// Number of members.
    public var count: Int { keys.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// The value for `key`, or `nil` when absent.
    public subscript(key: String) -> JSONValue? {
        guard let index = keys.firstIndex(of: key) else { return nil }
        return values[index]
    }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool {
        keys.contains(key)
    }

    /// Appends a member unless the key already exists.
    /// - Returns: `false` (and changes nothing) when `key` is already present.
    @discardableResult
    public mutating func insert(_ key: String, _ value: JSONValue) -> Bool {
        guard !keys.contains(key) else { return false }
        keys.append(key)
        values.append(value)
        return true
    }

    /// Appends a member without checking for a duplicate key; the caller has checked.
    mutating func appendUnchecked(_ key: String, _ value: JSONValue) {
        keys.append(key)
        values.append(value)
    }

    /// Iterates `(key, value)` pairs in document order.
    public func makeIterator() -> some IteratorProtocol<(key: String, value: JSONValue)> {
        var index = 0
        let keys = keys
        let values = values
        return AnyIterator {
            guard index < keys.count else { return nil }
            defer { index += 1 }
            return (keys[index], values[index])
        }
    }
}
