/// Compresses response bodies the client accepts compressed (RFC 9110 §12.5.3).
enum ResponseCompressor {
    /// Replaces the body with a compressed one when the client accepts it and it pays off.
    static func compressIfWorthwhile(_ response: inout HTTPResponse, request: HTTPRequestHead, threshold: Int) {}
}
