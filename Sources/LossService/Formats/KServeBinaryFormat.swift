import HTTPServer
import LossCore
import TensorCodecs

/// The KServe v2 binary data extension on `POST /v2/models/{loss}/infer`, as tritonclient
/// speaks it: a JSON header of `Inference-Header-Content-Length` bytes, then the binary inputs'
/// raw little-endian bytes in input order; the answer likewise, its binary outputs after the
/// header in output order (outputs not asked for as binary are printed in the header).
struct KServeBinaryFormat: LossWireFormat {
    /// Reads the header length, then the document; each binary tensor's bytes are copied once,
    /// into its storage.
    /// - Throws: ``ServiceError`` — 400 for a bad header length or malformed body, 422 for an unusable one.
    func decode(_ request: HTTPRequest, loss: any Loss.Type) throws(ServiceError) -> LossCall {
        let headerLength = try KServeCallDecoder.headerLength(request.headers)
        return try KServeCallDecoder.decode(request.body, headerLength: headerLength, loss: loss)
    }

    /// When every output is binary and the gradient is among them once, the body is laid out
    /// for the loss shape the parameters imply and the kernel writes the gradient into its place;
    /// otherwise (a loss printed in the header needs its value first) the result is computed,
    /// then encoded with one copy of each binary output.
    func encode(_ evaluation: LossEvaluation) throws(ServiceError) -> HTTPResponse {
        let call = evaluation.call
        let outputs = call.outputs
        let inPlace = evaluation.canWriteGradientInPlace && outputs.allSatisfy(\.binary)
            && outputs.filter { $0.tensor == .grad }.count == 1
        guard inPlace else {
            let result = try evaluation.result()
            let response = KServeResponse(
                modelName: call.lossName, modelVersion: KServeModelMetadata.modelVersion, id: call.id,
                outputs: outputs.map { .init(name: $0.tensor.name, tensor: $0.tensor == .loss ? result.loss : result.grad, binary: $0.binary) })
            let encoded = response.encoded()
            return Self.response(encoded.body, headerLength: encoded.headerLength)
        }
        let expectedShape = evaluation.expectedLossShape
        let header = self.header(call, lossShape: expectedShape, dtype: evaluation.gradientDType,
                                 gradientShape: evaluation.gradientShape)
        // Offsets of each output's bytes: back to back after the header, in output order.
        var offsets: [Int] = []
        var end = header.count
        for output in outputs {
            offsets.append(end)
            end += output.tensor == .loss ? (Tensor.elementCount(of: expectedShape) ?? 0) * evaluation.gradientDType.itemSize
                : evaluation.gradientByteCount
        }
        let gradientOffset = offsets[outputs.firstIndex { $0.tensor == .grad } ?? 0]
        var (body, loss) = try ResponseBody.withGradient(size: end, gradientOffset: gradientOffset, evaluation)
        guard loss.shape == expectedShape else {
            // Laid out again around the actual loss shape: one copy of the gradient.
            let actual = self.header(call, lossShape: loss.shape, dtype: evaluation.gradientDType,
                                     gradientShape: evaluation.gradientShape)
            let joined = body.withUnsafeBytes { bytes in
                actual.withUnsafeBytes { headerBytes in
                    loss.withUnsafeBytes { lossBytes in
                        let gradient = UnsafeRawBufferPointer(rebasing: bytes[gradientOffset..<gradientOffset + evaluation.gradientByteCount])
                        return ResponseBody.joined([headerBytes] + outputs.map { $0.tensor == .loss ? lossBytes : gradient })
                    }
                }
            }
            return Self.response(joined, headerLength: actual.count)
        }
        header.withUnsafeBytes { ResponseBody.write($0, into: &body, at: 0) }
        for (output, offset) in zip(outputs, offsets) where output.tensor == .loss {
            loss.withUnsafeBytes { ResponseBody.write($0, into: &body, at: offset) }
        }
        return Self.response(body, headerLength: header.count)
    }

    /// The JSON header when every output is binary.
    private func header(_ call: LossCall, lossShape: [Int], dtype: DType, gradientShape: [Int]) -> [UInt8] {
        KServeResponse.header(modelName: call.lossName, modelVersion: KServeModelMetadata.modelVersion, id: call.id,
                              outputs: call.outputs.map { output in
                                  .binary(name: output.tensor.name, dtype: dtype,
                                          shape: output.tensor == .loss ? lossShape : gradientShape)
                              })
    }

    /// A binary answer with its header length, or plain JSON when no output turned out binary.
    private static func response(_ body: [UInt8], headerLength: Int?) -> HTTPResponse {
        guard let headerLength else {
            return HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: body)
        }
        return HTTPResponse(status: .ok,
                            headers: ["Content-Type": "application/octet-stream",
                                      "Inference-Header-Content-Length": String(headerLength)],
                            body: body)
    }
}
