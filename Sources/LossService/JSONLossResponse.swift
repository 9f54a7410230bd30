import LossCore
import TensorCodecs

/// The JSON answer of `POST /v1/losses/{name}`:
/// `{"name": "dice", "loss": 0.43, "grad": {"shape": [...], "dtype": "float32", "data": [...]}}`.
///
/// A reduced loss is a JSON number; with `reduction: none` it is a tensor object.
enum JSONLossResponse {
    static func encode(_ result: LossResult, name: String) -> [UInt8] {
        // Roughly 12 bytes per printed float32 keeps the buffer from regrowing.
        var writer = JSONWriter(reservingCapacity: 64 + 14 * (result.grad.count + result.loss.count))
        writer.beginObject()
        writer.key("name")
        writer.string(name)
        writer.key("loss")
        if result.loss.shape.isEmpty {
            scalar(result.loss, into: &writer)
        } else {
            writer.tensor(result.loss)
        }
        writer.key("grad")
        writer.tensor(result.grad)
        writer.endObject()
        return writer.bytes
    }

    /// A rank-0 tensor as a bare number, printed at its own precision.
    private static func scalar(_ tensor: Tensor, into writer: inout JSONWriter) {
        switch tensor.storage {
        case .float32(let values): writer.number(values[0])
        case .float64(let values): writer.number(values[0])
        default:
            let values: [Float] = tensor.values()
            writer.number(values[0])
        }
    }
}
