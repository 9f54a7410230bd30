import Foundation
import HTTPServer

/// The body formats of `POST /v1/losses/{name}`: the registry of `/v1` wire formats.
///
/// The request format comes from `Content-Type`; the response format from `Accept`
/// (RFC 9110 §12.5.1, with q-values), defaulting to the request's format.
enum LossFormat: Sendable, Equatable {
    /// `application/json` (DESIGN.md §2): ``JSONFormat``.
    case json
    /// A safetensors file (`application/vnd.safetensors`, or `application/octet-stream`): ``SafetensorsFormat``.
    case safetensors

    /// The media type a response in this format is labelled with by default.
    var mediaType: String {
        switch self {
        case .json: "application/json"
        case .safetensors: "application/vnd.safetensors"
        }
    }

    /// The wire format, answering with `Content-Type: mediaType`.
    func wireFormat(mediaType: String) -> any LossWireFormat {
        switch self {
        case .json: JSONFormat()
        case .safetensors: SafetensorsFormat(mediaType: mediaType)
        }
    }
}

/// `/v1`'s negotiation: `Content-Type` picks the decoder, `Accept` the encoder, both before the
/// body is read.
struct V1FormatNegotiation: WireFormatNegotiation {
    /// - Throws: ``ServiceError`` 415 for an unsupported `Content-Type`, 406 for an `Accept` lossd cannot satisfy.
    func choose(for request: HTTPRequest) throws(ServiceError) -> WireFormatChoice {
        let requestFormat = try ContentNegotiation.requestFormat(contentType: request.headers["Content-Type"])
        let response = try ContentNegotiation.responseFormat(accept: request.headers["Accept"], preferred: requestFormat)
        let encoder = response.format.wireFormat(mediaType: response.mediaType)
        return WireFormatChoice(decoder: requestFormat.wireFormat(mediaType: requestFormat.mediaType),
                                encoder: { _ in encoder })
    }
}

/// Chooses request and response formats from `Content-Type` and `Accept`.
enum ContentNegotiation {
    /// The media types lossd can answer with, each with the format it carries.
    static let offers: [(mediaType: String, format: LossFormat)] = [
        ("application/json", .json),
        ("application/vnd.safetensors", .safetensors),
        (aliasMediaType, .safetensors),
    ]
    /// The generic binary type, accepted for safetensors but never picked through a wildcard.
    static let aliasMediaType = "application/octet-stream"

    /// The format of a request body, read from `Content-Type` (JSON when absent).
    ///
    /// `application/x-www-form-urlencoded` counts as JSON because `curl -d` sends it for
    /// any body. - Throws: ``ServiceError`` 415 for any other media type.
    static func requestFormat(contentType: String?) throws(ServiceError) -> LossFormat {
        let mediaType = contentType.map(bareMediaType) ?? ""
        switch mediaType {
        case "application/vnd.safetensors", "application/octet-stream":
            return .safetensors
        case "application/json", "application/x-www-form-urlencoded", "text/json", "*/*", "":
            return .json
        case _ where mediaType.hasSuffix("+json"):
            return .json
        default:
            throw ServiceError(.unsupportedMediaType, code: "unsupported_media_type",
                               "Content-Type \(contentType ?? "") is not supported; send application/json or application/vnd.safetensors",
                               field: "Content-Type",
                               headers: ["Accept": "application/json, application/vnd.safetensors"])
        }
    }

    /// The response format and its media type for an `Accept` header.
    ///
    /// Each offer gets the q-value of the most specific range matching it (`type/subtype` over
    /// `type/*` over `*/*`); the highest non-zero q wins and ties go to `preferred`, then to
    /// the order of ``offers``; `application/octet-stream` counts only when named. No header, or an empty one, means `preferred`.
    /// - Throws: ``ServiceError`` 406 when every offer has q = 0 or matches no range.
    static func responseFormat(accept: String?, preferred: LossFormat) throws(ServiceError) -> (format: LossFormat, mediaType: String) {
        let ranges = accept.map(parseAccept) ?? []
        guard !ranges.isEmpty else { return (preferred, preferred.mediaType) }
        var best: (format: LossFormat, mediaType: String, quality: Double, rank: Int)?
        for (index, offer) in offers.enumerated() {
            // octet-stream is an alias, chosen only by name: a wildcard must not revive a refused safetensors.
            if offer.mediaType == aliasMediaType, !ranges.contains(where: { $0.type == aliasMediaType }) { continue }
            guard let quality = quality(of: offer.mediaType, in: ranges), quality > 0 else { continue }
            let rank = (offer.format == preferred ? 0 : offers.count) + index
            if let current = best, quality < current.quality || (quality == current.quality && rank >= current.rank) {
                continue
            }
            best = (offer.format, offer.mediaType, quality, rank)
        }
        guard let best else {
            throw ServiceError(.notAcceptable, code: "not_acceptable",
                               "no acceptable response format in Accept: \(accept ?? ""); lossd answers application/json or application/vnd.safetensors",
                               field: "Accept")
        }
        return (best.format, best.mediaType)
    }

    /// One `type/subtype;q=…` element of an `Accept` header.
    struct MediaRange: Equatable {
        var type: String
        var quality: Double
    }

    /// Parses `Accept` into media ranges, lowercased; malformed q-values count as 1.
    static func parseAccept(_ header: String) -> [MediaRange] {
        header.split(separator: ",").compactMap { element in
            let parts = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = parts.first?.lowercased(), type.contains("/") else { return nil }
            var quality = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0].lowercased() == "q", let value = Double(pair[1]), value.isFinite {
                    quality = min(max(value, 0), 1)
                }
            }
            return MediaRange(type: type, quality: quality)
        }
    }

    /// The q-value the most specific matching range gives `mediaType`, or `nil` when none matches.
    private static func quality(of mediaType: String, in ranges: [MediaRange]) -> Double? {
        let major = mediaType.split(separator: "/").first.map(String.init) ?? mediaType
        if let exact = ranges.first(where: { $0.type == mediaType }) { return exact.quality }
        if let partial = ranges.first(where: { $0.type == major + "/*" }) { return partial.quality }
        return ranges.first(where: { $0.type == "*/*" })?.quality
    }

    /// `type/subtype` without parameters, trimmed and lowercased.
    static func bareMediaType(_ contentType: String) -> String {
        let bare = contentType.split(separator: ";").first.map(String.init) ?? ""
        return bare.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
