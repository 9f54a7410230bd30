import Foundation
import LossCore
import Testing

/// One PyTorch-generated case from `Tests/Fixtures/golden/<loss>.json`.
struct GoldenCase: CustomTestStringConvertible, Sendable {
    let loss: String
    let name: String
    let params: [String: ParameterValue]
    let inputs: LossInputs
    let expectedLoss: (shape: [Int], values: [Double])
    let expectedGrad: (shape: [Int], values: [Double])

    var testDescription: String { "\(loss)/\(name)" }

    static let fixtureDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")

    /// Every case of every loss, or of the named losses.
    static func load(_ losses: [String]? = nil) -> [GoldenCase] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: fixtureDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().flatMap { file -> [GoldenCase] in
            let loss = String(file.dropLast(5))
            if let losses, !losses.contains(loss) { return [] }
            let data = try! Data(contentsOf: fixtureDirectory.appendingPathComponent(file))
            let list = try! JSONDecoder().decode(AnyJSON.self, from: data).plain as! [[String: Any]]
            return list.map(GoldenCase.init(json:))
        }
    }

    init(json: [String: Any]) {
        loss = json["loss"] as! String
        name = json["name"] as! String
        params = (json["params"] as? [String: Any] ?? [:]).mapValues(GoldenCase.parameter)
        inputs = LossInputs(input: GoldenCase.tensor(json["input"])!, target: GoldenCase.tensor(json["target"])!,
                            weight: GoldenCase.tensor(json["weight"]), variance: GoldenCase.tensor(json["var"]),
                            gradOutput: GoldenCase.tensor(json["grad_output"]))
        let lossTensor = json["expected_loss"] as! [String: Any]
        let gradTensor = json["expected_grad"] as! [String: Any]
        expectedLoss = ((lossTensor["shape"] as! [Any]).map { Int(GoldenCase.number($0)) }, (lossTensor["data"] as! [Any]).map(GoldenCase.number))
        expectedGrad = ((gradTensor["shape"] as! [Any]).map { Int(GoldenCase.number($0)) }, (gradTensor["data"] as! [Any]).map(GoldenCase.number))
    }

    static func number(_ any: Any) -> Double {
        switch any {
        case let string as String:
            switch string {
            case "NaN": return .nan
            case "Infinity": return .infinity
            case "-Infinity": return -.infinity
            default: fatalError("bad number \(string)")
            }
        case let bool as Bool: return bool ? 1 : 0
        case let number as Double: return number
        default: fatalError("bad number \(any)")
        }
    }

    static func parameter(_ any: Any) -> ParameterValue {
        switch any {
        case let string as String: return .string(string)
        case let bool as Bool: return .bool(bool)
        case let number as Double: return .number(number)
        case let list as [Any]: return .numbers(list.map(number))
        case is AnyJSON.Null: return .null
        default: fatalError("bad parameter \(any)")
        }
    }

    static func tensor(_ any: Any?) -> Tensor? {
        guard let object = any as? [String: Any] else { return nil }
        let shape = (object["shape"] as! [Any]).map { Int(number($0)) }
        let data = object["data"] as! [Any]
        let dtype = DType(rawValue: object["dtype"] as! String)!
        let storage: Tensor.Storage = switch dtype {
        case .float32: .float32(data.map { Float(number($0)) })
        case .float64: .float64(data.map(number))
        case .int64: .int64(data.map { Int64(number($0)) })
        case .int32: .int32(data.map { Int32(number($0)) })
        case .uint8: .uint8(data.map { UInt8(number($0)) })
        case .bool: .bool(data.map { ($0 as? Bool) ?? (number($0) != 0) })
        case .float16, .bfloat16: fatalError("half fixtures are not generated")
        }
        return try! Tensor(shape: shape, storage: storage)
    }
}

/// Agreement within `relative` of each value plus `absolute` of the tensor's largest magnitude.
func agrees(_ actual: [Double], _ expected: [Double], relative: Double) -> Bool {
    guard actual.count == expected.count else { return false }
    let scale = expected.reduce(0) { max($0, $1.isFinite ? abs($1) : 0) }
    for (a, b) in zip(actual, expected) {
        if b.isNaN { if !a.isNaN { return false } else { continue } }
        if b.isInfinite { if a != b { return false } else { continue } }
        if abs(a - b) > relative * abs(b) + relative * 0.05 * scale + 1e-300 { return false }
    }
    return true
}

/// Decodes arbitrary JSON into plain Swift values (Bool, Double, String, arrays, dictionaries).
enum AnyJSON: Decodable {
    struct Null {}
    case value(Any)

    var plain: Any { if case .value(let v) = self { return v }; return Null() }

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .value(Null()) }
        else if let bool = try? container.decode(Bool.self) { self = .value(bool) }
        else if let number = try? container.decode(Double.self) { self = .value(number) }
        else if let string = try? container.decode(String.self) { self = .value(string) }
        else if let array = try? container.decode([AnyJSON].self) { self = .value(array.map(\.plain)) }
        else { self = .value(try container.decode([String: AnyJSON].self).mapValues(\.plain)) }
    }
}
