import Foundation
import Testing
import LossCore
import TensorCodecs

/// `POST /v1/losses/{name}` with safetensors bodies: dtypes, parameters, agreement with JSON.
@Suite struct SafetensorsRouteTests {
    static let inputValues: [Float] = [0.25, -1.5, 2.0, 0.75, -0.125, 3.0]

    /// The same six values in each float dtype.
    static func input(_ dtype: DType) -> Tensor {
        let values = inputValues
        let storage: Tensor.Storage = switch dtype {
        case .float64: .float64(values.map(Double.init))
        case .float16: .float16(values.map(HalfPrecision.half))
        case .bfloat16: .bfloat16(values.map(HalfPrecision.bfloat16))
        default: .float32(values)
        }
        return Tensor(unchecked: [2, 3], storage: storage)
    }

    @Test("every float input dtype round-trips; the gradient comes back in the input's dtype",
          arguments: [DType.float32, .float64, .float16, .bfloat16])
    func floatInputDTypes(_ dtype: DType) async throws {
        let live = try LiveService()
        let input = Self.input(dtype)
        let target = Tensor(unchecked: [2, 3], storage: .float32([0, 1, 1, 0, 0, 1]))
        let reply = try await live.postSafetensors("mse", Bodies.file([("input", input), ("target", target)]))
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.headers["content-type"] == "application/vnd.safetensors")
        let file = try reply.safetensors()
        let expected = try LossRegistry.standard.evaluate(MSELoss.self, parameters: [:],
                                                          inputs: LossInputs(input: input, target: target))
        #expect(file.names == ["loss", "grad"])
        #expect(file["grad"] == expected.grad)
        #expect(file["loss"] == expected.loss)
        #expect(file["grad"]?.dtype == dtype)
        #expect(file.metadata["name"] == "mse")
    }

    @Test("integer and boolean targets are accepted", arguments: [DType.int64, .int32, .uint8, .bool])
    func targetDTypes(_ dtype: DType) async throws {
        let live = try LiveService()
        let input = Self.input(.float32)
        let loss: any Loss.Type
        let target: Tensor
        if dtype == .bool {
            // A mask target: bce_with_logits reads 0/1 masks of any dtype.
            loss = try #require(LossRegistry.standard.loss(named: "bce_with_logits"))
            target = Tensor(unchecked: [2, 3], storage: .bool([false, true, true, false, false, true]))
        } else {
            // Class indices: cross_entropy over 3 classes.
            loss = try #require(LossRegistry.standard.loss(named: "cross_entropy"))
            let storage: Tensor.Storage = switch dtype {
            case .int64: .int64([2, 0])
            case .int32: .int32([2, 0])
            default: .uint8([2, 0])
            }
            target = Tensor(unchecked: [2], storage: storage)
        }
        let reply = try await live.postSafetensors(loss.descriptor.name, Bodies.file([("target", target), ("input", input)]))
        #expect(reply.status == 200, "\(reply.text)")
        let expected = try LossRegistry.standard.evaluate(loss, parameters: [:], inputs: LossInputs(input: input, target: target))
        #expect(try reply.safetensors()["grad"] == expected.grad)
    }

    @Test("__metadata__ and the query string carry parameters; metadata wins")
    func metadataParameters() async throws {
        let live = try LiveService()
        let tensors = [("input", Bodies.float32([2], [1, 1])), ("target", Bodies.float32([2], [0, 0]))]
        let sum = try await live.postSafetensors("mse", Bodies.file(tensors, metadata: ["reduction": "sum"]))
        #expect(try sum.safetensors()["loss"] == Bodies.float32([], [2]))
        let quoted = try await live.postSafetensors("mse", Bodies.file(tensors, metadata: ["reduction": "\"sum\"", "format": "pt"]))
        #expect(try quoted.safetensors()["loss"] == Bodies.float32([], [2]), "\(quoted.text)")
        let query = try await live.postSafetensors("mse", Bodies.file(tensors), query: "?reduction=none")
        #expect(try query.safetensors()["loss"]?.shape == [2])
        let both = try await live.postSafetensors("mse", Bodies.file(tensors, metadata: ["reduction": "sum"]), query: "?reduction=none")
        #expect(try both.safetensors()["loss"]?.shape == [])
    }

    @Test("application/octet-stream carrying safetensors is accepted and answered in kind")
    func octetStream() async throws {
        let live = try LiveService()
        let file = Bodies.file([("input", Bodies.float32([1], [0.5])), ("target", Bodies.float32([1], [1]))])
        let reply = try await live.send("POST", "/v1/losses/l1", bytes: file.encoded(),
                                        headers: ["Content-Type": "application/octet-stream", "Accept": "application/octet-stream"])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.headers["content-type"] == "application/octet-stream")
        #expect(try reply.safetensors()["grad"] == Bodies.float32([1], [-1]))
    }

    @Test("unknown, missing and unusable tensors or parameters are 422s naming them")
    func unusableFiles() async throws {
        let live = try LiveService()
        let x = Bodies.float32([2], [1, 2])
        let unknown = try await live.postSafetensors("mse", Bodies.file([("input", x), ("target", x), ("targets", x)]))
        #expect(unknown.status == 422)
        #expect(unknown.json["field"] as? String == "targets")
        let missing = try await live.postSafetensors("mse", Bodies.file([("input", x)]))
        #expect(missing.status == 422)
        #expect(missing.json["field"] as? String == "target")
        let parameter = try await live.postSafetensors("mse", Bodies.file([("input", x), ("target", x)], metadata: ["reduction": "avg"]))
        #expect(parameter.status == 422)
        #expect(parameter.json["field"] as? String == "reduction")
        let object = try await live.postSafetensors("mse", Bodies.file([("input", x), ("target", x)], metadata: ["reduction": "{}"]))
        #expect(object.status == 422)
        let shapes = try await live.postSafetensors("mse", Bodies.file([("input", x), ("target", Bodies.float32([3], [1, 2, 3]))]))
        #expect(shapes.status == 422)
        #expect(shapes.json["field"] as? String == "target")
    }
}
