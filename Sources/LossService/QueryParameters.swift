import LossCore
import TensorCodecs

/// Loss parameters from a query string: `?reduction=sum&smooth=0.5&per_image=true`.
enum QueryParameters {
    /// Each value is read as a JSON scalar (number, `true`/`false`, `null`, a list) when it
    /// parses as one, otherwise as a string.
    static func parse(_ query: String?) -> [String: ParameterValue] {
        guard let query, !query.isEmpty else { return [:] }
        var parameters: [String: ParameterValue] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncodingOrSelf
            let raw = parts.count > 1
                ? String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncodingOrSelf : ""
            guard !name.isEmpty else { continue }
            parameters[name] = (try? ParameterValue(text: raw, name: name)) ?? .string(raw)
        }
        return parameters
    }
}
