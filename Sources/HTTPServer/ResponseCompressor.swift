/// Compresses response bodies the client accepts compressed (RFC 9110 §12.5.3), by the
/// policy in `HTTPServer.Configuration`: listed media types only, at least the threshold.
///
/// Two steps so the expensive one can run elsewhere: `negotiate` (cheap, any thread)
/// decides and sets `Vary`; `compress` (deflate, proportional to the body) runs where the
/// connection puts it — never on its I/O queue (see `HTTPConnection.deliver`).
enum ResponseCompressor {
    /// The coding to compress `response` with, or nil to send it as it is.
    ///
    /// Nothing for HEAD, bodiless statuses, 206, a body that already has a
    /// `Content-Encoding`, a body under the threshold or a type the policy does not list.
    /// Adds `Vary: Accept-Encoding` whenever the policy would compress the response, whether
    /// or not this client accepts a coding: its representation depends on that header.
    static func negotiate(_ response: inout HTTPResponse, request: HTTPRequestHead,
                          configuration: HTTPServer.Configuration) -> ZlibStream.Format? {
        guard configuration.compressResponses, request.method != "HEAD", response.status.allowsBody,
              response.status.code != 206, response.body.count >= configuration.compressionThreshold,
              !response.headers.contains("Content-Encoding"),
              isCompressible(contentType: response.headers["Content-Type"], types: configuration.compressibleMediaTypes)
        else { return nil }
        addVary(&response.headers)
        return preferredFormat(request.headers.values("Accept-Encoding"))
    }

    /// Replaces the body with its `format` encoding, unless that is no smaller.
    static func compress(_ response: inout HTTPResponse, format: ZlibStream.Format, level: Int32) {
        guard let deflater = ZlibStream(.deflate, format: format, level: level),
              let compressed = deflater.deflateAll(response.body),
              compressed.count < response.body.count
        else { return }
        response.body = compressed
        response.headers.set("Content-Encoding", format == .gzip ? "gzip" : "deflate")
    }

    /// Whether a `Content-Type` matches one of the patterns (see
    /// `HTTPServer.Configuration.compressibleMediaTypes`). No type matches only `*`.
    static func isCompressible(contentType: String?, types: [String]) -> Bool {
        let mediaType = contentType?.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first
            .map { $0.trimmingHTTPWhitespace().lowercased() } ?? ""
        let slash = mediaType.firstIndex(of: "/")
        return types.contains { pattern in
            let pattern = pattern.trimmingHTTPWhitespace().lowercased()
            if pattern == "*" || pattern == "*/*" { return true }
            guard let slash, !mediaType.isEmpty else { return false }
            let major = mediaType[..<slash], minor = mediaType[mediaType.index(after: slash)...]
            guard let patternSlash = pattern.firstIndex(of: "/"), pattern[..<patternSlash] == major else { return false }
            let patternMinor = pattern[pattern.index(after: patternSlash)...]
            if patternMinor == "*" { return true }
            if patternMinor.hasPrefix("*+") { return minor.hasSuffix(patternMinor.dropFirst()) }
            return patternMinor == minor
        }
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

extension HTTPServer.Configuration {
    /// Whether `pattern` is a valid `compressibleMediaTypes` entry: `*`, `type/*`,
    /// `type/*+suffix` or `type/subtype`, in token characters (RFC 9110 §8.3.1).
    public static func isValidMediaTypePattern(_ pattern: String) -> Bool {
        if pattern == "*" || pattern == "*/*" { return true }
        let parts = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, parts[0] != "*" else { return false }
        let minor = parts[1].hasPrefix("*+") ? parts[1].dropFirst(2) : parts[1] == "*" ? "x" : parts[1]
        let isToken = { (text: Substring) in
            !text.isEmpty && text.utf8.allSatisfy { $0 != UInt8(ascii: "*") && HTTPRequestParser.isTokenByte($0) }
        }
        return isToken(parts[0]) && isToken(minor)
    }
}
