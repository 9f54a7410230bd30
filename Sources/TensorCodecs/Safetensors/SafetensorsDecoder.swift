import LossCore

extension SafetensorsFile {
    /// The largest header accepted, as in the reference implementation (100 MB).
    public static let maxHeaderLength = 100_000_000

    /// Decodes and fully validates a safetensors file.
    ///
    /// Checks: header length within the cap and the buffer; header is UTF-8 JSON object;
    /// `__metadata__` is a string map; every dtype is F64 F32 F16 BF16 I64 I32 U8 or BOOL;
    /// `data_offsets` are `[begin, end]` spanning `product(shape) × itemsize` bytes (no
    /// overflow), and sorted by `begin` they are contiguous from 0 and cover the data exactly;
    /// names are unique; BOOL bytes are 0 or 1. Each tensor's bytes are copied once.
    /// - Throws: ``SafetensorsError`` describing the first violation.
    public init(decoding bytes: UnsafeRawBufferPointer) throws(SafetensorsError) {
        guard bytes.count >= 8 else {
            throw SafetensorsError(.truncated, "file is \(bytes.count) bytes, too short for the 8-byte header length")
        }
        let declared = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
        guard declared <= UInt64(Self.maxHeaderLength), Int(declared) <= bytes.count - 8 else {
            throw SafetensorsError(.headerLength, "header length \(declared) exceeds \(declared > UInt64(Self.maxHeaderLength) ? "the \(Self.maxHeaderLength)-byte limit" : "the \(bytes.count - 8) bytes that follow it")")
        }
        let headerEnd = 8 + Int(declared)
        let header: JSONValue
        do {
            header = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<headerEnd]), maxDepth: 8)
        } catch {
            if error.kind == .duplicateKey {
                throw SafetensorsError(.duplicateName, "header has a \(error.message)")
            }
            throw SafetensorsError(.headerSyntax, "header is not valid JSON: \(error.description)")
        }
        guard let members = header.objectValue else {
            throw SafetensorsError(.headerStructure, "header must be a JSON object, found \(header.kindName)")
        }

        var metadata: [String: String] = [:]
        var layouts: [SafetensorsLayout] = []
        layouts.reserveCapacity(members.count)
        for (name, value) in members {
            if name == "__metadata__" {
                metadata = try Self.metadata(from: value)
            } else {
                layouts.append(try SafetensorsLayout(name: name, info: value))
            }
        }
        let data = UnsafeRawBufferPointer(rebasing: bytes[headerEnd...])
        try SafetensorsLayout.checkCoverage(&layouts, dataCount: data.count)

        var entries: [Entry] = []
        entries.reserveCapacity(layouts.count)
        for layout in layouts {
            let slice = UnsafeRawBufferPointer(rebasing: data[layout.begin..<layout.end])
            do {
                let storage = try TensorBytes.storage(from: slice, dtype: layout.dtype, count: layout.count)
                entries.append(Entry(name: layout.name, tensor: Tensor(unchecked: layout.shape, storage: storage)))
            } catch {
                switch error {
                case .invalidBool(let index, let byte):
                    throw SafetensorsError(.invalidBool, tensor: layout.name, "BOOL element \(index) is byte \(byte), not 0 or 1")
                case .sizeMismatch(let expected, let actual):
                    throw SafetensorsError(.sizeMismatch, tensor: layout.name, "needs \(expected) bytes but spans \(actual)")
                }
            }
        }
        self.init(entries: entries, metadata: metadata)
    }

    /// Decodes and fully validates a safetensors file held in an array.
    /// - Throws: ``SafetensorsError`` describing the first violation.
    public init(decoding bytes: [UInt8]) throws(SafetensorsError) {
        let result: Result<SafetensorsFile, SafetensorsError> = bytes.withUnsafeBytes { raw in
            Result { () throws(SafetensorsError) -> SafetensorsFile in try SafetensorsFile(decoding: raw) }
        }
        self = try result.get()
    }

    private static func metadata(from value: JSONValue) throws(SafetensorsError) -> [String: String] {
        if value.isNull { return [:] }
        guard let object = value.objectValue else {
            throw SafetensorsError(.headerStructure, "__metadata__ must be an object of strings, found \(value.kindName)")
        }
        var metadata: [String: String] = [:]
        for (key, entry) in object {
            guard let text = entry.stringValue else {
                throw SafetensorsError(.headerStructure, "__metadata__ value \"\(key)\" must be a string, found \(entry.kindName)")
            }
            metadata[key] = text
        }
        return metadata
    }
}
