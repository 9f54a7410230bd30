import ArgumentParser
import Foundation

/// Reads one option from its flag or, failing that, its `LOSSD_*` variable, and validates it.
struct OptionResolver {
    let environment: [String: String]

    /// The flag's value, else the variable's, else `nil`; an empty variable counts as unset.
    func string(_ flag: String?, _ variable: String) throws -> String? {
        if let flag { return flag }
        guard let raw = environment[variable], !raw.isEmpty else { return nil }
        return raw
    }

    /// A switch: the flag when given, else the variable (`1`/`true`/`yes` or `0`/`false`/`no`).
    func bool(_ flag: Bool, _ variable: String) throws -> Bool {
        if flag { return true }
        guard let raw = try string(nil, variable) else { return false }
        switch raw.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ValidationError("\(variable)=\(raw) must be 1, true, yes, 0, false or no")
        }
    }

    /// An integer within `range`.
    func integer(_ flag: Int?, _ variable: String, in range: ClosedRange<Int>) throws -> Int? {
        let value: Int
        if let flag {
            value = flag
        } else if let raw = try string(nil, variable) {
            guard let parsed = Int(raw.filter { $0 != "_" }) else {
                throw ValidationError("\(variable)=\(raw) is not an integer")
            }
            value = parsed
        } else {
            return nil
        }
        guard range.contains(value) else {
            throw ValidationError("\(Self.flagName(variable)) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
        return value
    }

    /// A number of seconds as a `Duration` (≥ 0, or > 0 when `positive`).
    func seconds(_ flag: Double?, _ variable: String, positive: Bool) throws -> Duration? {
        let value: Double
        if let flag {
            value = flag
        } else if let raw = try string(nil, variable) {
            guard let parsed = Double(raw) else { throw ValidationError("\(variable)=\(raw) is not a number of seconds") }
            value = parsed
        } else {
            return nil
        }
        guard value.isFinite, positive ? value > 0 : value >= 0, value < 1e6 else {
            throw ValidationError("\(Self.flagName(variable)) must be \(positive ? "> 0" : "≥ 0") seconds, got \(value)")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }

    /// `LOSSD_MAX_BODY_SIZE` → `--max-body-size (LOSSD_MAX_BODY_SIZE)`, for messages.
    static func flagName(_ variable: String) -> String {
        "--" + variable.dropFirst("LOSSD_".count).lowercased().replacingOccurrences(of: "_", with: "-") + " (\(variable))"
    }
}
