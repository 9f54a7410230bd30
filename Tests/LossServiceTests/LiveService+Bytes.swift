import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LossCore
import TensorCodecs

extension LiveService {
    /// One request with a binary body through URLSession; no Content-Type unless given.
    func send(_ method: String, _ path: String, bytes: [UInt8], headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        request.httpBody = Data(bytes)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    /// POSTs a safetensors file to `/v1/losses/{loss}`.
    func postSafetensors(_ loss: String, _ file: SafetensorsFile, query: String = "",
                         accept: String? = nil) async throws -> Reply {
        var headers = ["Content-Type": "application/vnd.safetensors"]
        if let accept { headers["Accept"] = accept }
        return try await send("POST", "/v1/losses/\(loss)\(query)", bytes: file.encoded(), headers: headers)
    }
}

extension LiveService.Reply {
    /// The body decoded as a safetensors file (the test fails when it is not one).
    func safetensors() throws -> SafetensorsFile {
        try SafetensorsFile(decoding: [UInt8](body))
    }
}

/// Helpers that build request tensors and raw bodies for the format tests.
enum Bodies {
    /// A safetensors file of named tensors with optional metadata.
    static func file(_ tensors: [(String, Tensor)], metadata: [String: String] = [:]) -> SafetensorsFile {
        SafetensorsFile(entries: tensors.map { SafetensorsFile.Entry(name: $0.0, tensor: $0.1) }, metadata: metadata)
    }

    /// A hand-made safetensors body: 8-byte little-endian `declaredLength` (default: the
    /// header's length), the header text, then `data`.
    static func raw(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let headerBytes = Array(header.utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { bytes.append(contentsOf: $0) }
        return bytes + headerBytes + data
    }

    /// `values` as float32 little-endian bytes.
    static func float32Bytes(_ values: [Float]) -> [UInt8] {
        values.withUnsafeBytes { Array($0) }
    }

    /// A float32 tensor.
    static func float32(_ shape: [Int], _ values: [Float]) -> Tensor {
        Tensor(unchecked: shape, storage: .float32(values))
    }

    /// A KServe body: JSON header followed by binary sections; returns the header length too.
    static func kserve(_ json: String, binary: [UInt8] = []) -> (body: [UInt8], headerLength: Int) {
        let header = Array(json.utf8)
        return (header + binary, header.count)
    }

    /// Splits a binary KServe response into its JSON header and the bytes after it.
    static func splitKServe(_ reply: LiveService.Reply) throws -> (json: [String: Any], binary: [UInt8]) {
        let bytes = [UInt8](reply.body)
        guard let text = reply.headers["inference-header-content-length"], let length = Int(text), length <= bytes.count else {
            let json = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
            return (json, [])
        }
        let json = try JSONSerialization.jsonObject(with: Data(bytes[0..<length])) as? [String: Any] ?? [:]
        return (json, Array(bytes[length...]))
    }
}
