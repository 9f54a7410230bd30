/// Byte-level grammar of the request line and field lines (RFC 9112 §3 and §5).
extension HTTPRequestParser {
    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3), single
    /// spaces only: lenient whitespace parsing invites request smuggling (§3, §11.2).
    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> PartialHead {
        guard let firstSpace = line.firstIndex(of: 0x20),
              let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 0x20),
              !line[(secondSpace + 1)...].contains(0x20)
        else { throw .malformedRequestLine }
        let methodBytes = line[line.startIndex..<firstSpace]
        let targetBytes = line[(firstSpace + 1)..<secondSpace]
        let versionBytes = line[(secondSpace + 1)...]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenByte) else { throw .malformedRequestLine }
        // request-target: visible ASCII only; URIs have no spaces, controls or raw UTF-8 (§3.2).
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidTarget
        }
        let version = try parseVersion(versionBytes)
        // Any syntactically valid token is handed to the app, which knows its routes: a method a
        // route does not allow (QUERY, PROPFIND, a typo) is its 405 with `Allow`, as an app
        // server answers it, rather than a blanket 501 from the framing layer (RFC 9110 §9.1
        // makes 501 a SHOULD for methods the *origin* does not recognise; the app is the origin).
        let method = String(decoding: methodBytes, as: UTF8.self)
        let target = String(decoding: targetBytes, as: UTF8.self)
        guard isValidTargetForm(target, method: method) else { throw .invalidTarget }
        return PartialHead(method: method, target: target, version: version)
    }

    /// HTTP-version = "HTTP" "/" DIGIT "." DIGIT (RFC 9112 §2.3); well-formed but
    /// other than 1.0/1.1 is 505 (RFC 9110 §15.6.6).
    static func parseVersion(_ bytes: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        let prefix: [UInt8] = Array("HTTP/".utf8)
        guard bytes.count == 8, bytes.prefix(5).elementsEqual(prefix) else { throw .malformedVersion }
        let major = bytes[bytes.startIndex + 5], dot = bytes[bytes.startIndex + 6], minor = bytes[bytes.startIndex + 7]
        guard isDigit(major), dot == UInt8(ascii: "."), isDigit(minor) else { throw .malformedVersion }
        let version = HTTPVersion(major: Int(major - 0x30), minor: Int(minor - 0x30))
        guard version == .http1_1 || version == .http1_0 else { throw .unsupportedVersion }
        return version
    }

    /// origin-form, absolute-form, authority-form (CONNECT) or asterisk-form (OPTIONS) (§3.2).
    static func isValidTargetForm(_ target: String, method: String) -> Bool {
        if target.hasPrefix("/") { return true }
        if target == "*" { return method == "OPTIONS" }
        if method == "CONNECT" { return !target.contains("/") && target.contains(":") }
        guard let schemeEnd = target.firstRange(of: "://") else { return false }
        let scheme = target[..<schemeEnd.lowerBound]
        return !scheme.isEmpty && scheme.utf8.allSatisfy { isAlpha($0) || isDigit($0) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). No whitespace before
    /// the colon (§5.1), no obs-fold (§5.2), field-value bytes per RFC 9110 §5.5.
    static func parseFieldLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (String, String) {
        guard let first = line.first else { throw .invalidFieldName }
        if first == 0x20 || first == 0x09 { throw .obsoleteLineFolding }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { throw .invalidFieldName }
        let nameBytes = line[line.startIndex..<colon]
        if let last = nameBytes.last, last == 0x20 || last == 0x09 { throw .whitespaceBeforeColon }
        guard !nameBytes.isEmpty, nameBytes.allSatisfy(isTokenByte) else { throw .invalidFieldName }
        var valueBytes = line[(colon + 1)...]
        while let head = valueBytes.first, head == 0x20 || head == 0x09 { valueBytes = valueBytes.dropFirst() }
        while let tail = valueBytes.last, tail == 0x20 || tail == 0x09 { valueBytes = valueBytes.dropLast() }
        // field-vchar = VCHAR / obs-text, with SP / HTAB inside: every CTL (NUL, CR, LF, DEL) is refused.
        guard valueBytes.allSatisfy({ $0 >= 0x20 ? $0 != 0x7F : $0 == 0x09 }) else { throw .invalidFieldValue }
        return (String(decoding: nameBytes, as: UTF8.self), String(decoding: valueBytes, as: UTF8.self))
    }

    /// tchar (RFC 9110 §5.6.2).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        tokenTable[Int(byte)]
    }

    private static let tokenTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        return isAlpha(byte) || isDigit(byte) || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isAlpha(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
