/// Compresses response bodies the client accepts compressed (RFC 9110 §12.5.3).
enum ResponseCompressor {
    /// Media types that are already compressed; deflating them again wastes CPU.
    private static let incompressiblePrefixes = ["image/", "video/", "audio/", "application/gzip", "application/zip"]

    /// Replaces the body with a gzip or deflate one when the client accepts it and the
    /// body is at least `threshold` bytes. Never for HEAD, bodiless statuses, 206, or a
    /// body that already has a `Content-Encoding`. Adds `Vary: Accept-Encoding` whenever
    /// the representation depends on that header.
    static func compressIfWorthwhile(_ response: inout HTTPResponse, request: HTTPRequestHead, threshold: Int, level: Int32 = 6) {
        guard request.method != "HEAD", response.status.allowsBody, response.status.code != 206,
              response.body.count >= threshold, !response.headers.contains("Content-Encoding")
        else { return }
        let contentType = response.headers["Content-Type"]?.lowercased() ?? ""
        guard !incompressiblePrefixes.contains(where: { contentType.hasPrefix($0) }) else { return }
        addVary(&response.headers)
        guard let format = preferredFormat(request.headers.values("Accept-Encoding")),
              let deflater = ZlibStream(.deflate, format: format, level: level),
              let compressed = deflater.deflateAll(response.body),
              compressed.count < response.body.count
        else { return }
        response.body = compressed
        response.headers.set("Content-Encoding", format == .gzip ? "gzip" : "deflate")
    }

    /// The best coding the client accepts: highest q-value, gzip before deflate on ties,
    /// `*` standing for any coding not listed, `q=0` refusing (RFC 9110 §12.5.3).
    static func preferredFormat(_ acceptEncoding: [String]) -> ZlibStream.Format? {
        guard !acceptEncoding.isEmpty else { return nil }
        var weights: [String: Double] = [:]
        for element in acceptEncoding.flatMap({ $0.split(separator: ",") }) {
            let parts = element.split(separator: ";").map { $0.trimmingHTTPWhitespace().lowercased() }
            guard let coding = parts.first, !coding.isEmpty else { continue }
            var quality = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)).map { min(max($0, 0), 1) } ?? 0
            }
            weights[coding == "x-gzip" ? "gzip" : coding] = quality
        }
        let wildcard = weights["*"] ?? 0
        let gzip = weights["gzip"] ?? wildcard
        let deflate = weights["deflate"] ?? wildcard
        guard max(gzip, deflate) > 0 else { return nil }
        return gzip >= deflate ? .gzip : .zlib
    }

    private static func addVary(_ headers: inout HTTPHeaders) {
        let vary = headers.listElements("Vary")
        guard !vary.contains(where: { $0 == "*" || $0.equalsIgnoringCase("Accept-Encoding") }) else { return }
        if vary.isEmpty {
            headers.add("Vary", "Accept-Encoding")
        } else {
            headers.set("Vary", (vary + ["Accept-Encoding"]).joined(separator: ", "))
        }
    }
}
