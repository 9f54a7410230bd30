import LossCore
import Testing

/// Parameter and shape validation of the segmentation family, and behaviour the golden cases cannot show.
@Suite struct SegmentationValidationTests {
    private static let regionLosses = ["dice", "iou", "dice_bce", "tversky", "focal_tversky", "generalized_dice", "combo", "mcc"]

    private func evaluate(_ name: String, _ parameters: [String: ParameterValue] = [:], input: Tensor,
                          target: Tensor, weight: Tensor? = nil, gradOutput: Tensor? = nil) throws(LossError) -> LossResult {
        guard let loss = LossRegistry.standard.loss(named: name) else {
            throw LossError(.invalidParameter, "no loss \(name)")
        }
        return try LossRegistry.standard.evaluate(loss, parameters: parameters,
                                                  inputs: LossInputs(input: input, target: target, weight: weight,
                                                                     gradOutput: gradOutput))
    }

    private func error(_ body: () throws(LossError) -> LossResult) -> LossError? {
        do { _ = try body(); return nil } catch { return error }
    }

    private func logits(_ shape: [Int]) -> Tensor {
        let count = Tensor.elementCount(of: shape) ?? 0
        return try! Tensor(shape: shape, float32: (0..<count).map { Float(($0 * 7919) % 13) / 3 - 2 })
    }

    private func mask(_ shape: [Int]) -> Tensor {
        let count = Tensor.elementCount(of: shape) ?? 0
        return try! Tensor(shape: shape, float32: (0..<count).map { $0 % 3 == 0 ? 1 : 0 })
    }

    private func labels(_ shape: [Int], _ values: [Int64]) -> Tensor {
        try! Tensor(shape: shape, storage: .int64(values))
    }

    @Test("aliases resolve to the segmentation losses")
    func aliasesResolve() {
        for (alias, name) in [("dice_loss", "dice"), ("jaccard", "iou"), ("bce_dice", "dice_bce"), ("sigmoid_focal", "focal")] {
            #expect(LossRegistry.standard.loss(named: alias)?.descriptor.name == name)
        }
    }

    @Test("class_weights whose length is not C is rejected naming class_weights", arguments: regionLosses.filter { $0 != "generalized_dice" })
    func classWeightsCount(_ name: String) {
        let failure = error { () throws(LossError) in
            try evaluate(name, ["mode": .string("multilabel"), "class_weights": .numbers([1, 2])],
                         input: logits([2, 3, 4]), target: mask([2, 3, 4]))
        }
        #expect(failure?.field == "class_weights")
        #expect(failure?.code == .invalidParameter)
    }

    @Test("bad parameters name the parameter", arguments: [
        ("dice", "smooth", ParameterValue.number(-1)), ("dice", "ignore_index", .number(2.5)),
        ("dice", "mode", .string("softmax")), ("tversky", "alpha", .number(-0.1)), ("focal", "variant", .string("x")),
        ("generalized_dice", "w_type", .string("cube")), ("mcc", "smooth", .number(1)), ("iou", "log_loss", .bool(true)),
        ("combo", "ce_ratio", .number(1.5)), ("focal_tversky", "gamma", .number(0)),
    ])
    func badParameter(_ name: String, _ parameter: String, _ value: ParameterValue) {
        let failure = error { () throws(LossError) in
            try evaluate(name, [parameter: value], input: logits([2, 1, 3]), target: mask([2, 1, 3]))
        }
        #expect(failure?.field == parameter)
    }

    @Test("dice_bce and combo reject multiclass mode naming mode", arguments: ["dice_bce", "combo"])
    func multiclassRejected(_ name: String) {
        let failure = error { () throws(LossError) in
            try evaluate(name, ["mode": .string("multiclass")], input: logits([1, 2, 2]), target: labels([1, 2], [0, 1]))
        }
        #expect(failure?.field == "mode")
    }

    @Test("shape and value problems name the tensor")
    func shapeAndValueErrors() {
        let cases: [(String, () throws(LossError) -> LossResult)] = [
            ("target", { () throws(LossError) in try evaluate("dice", input: logits([2, 1, 3]), target: mask([2, 3, 1])) }),
            ("target", { () throws(LossError) in
                try evaluate("dice", ["mode": .string("multiclass")], input: logits([2, 3, 4]), target: labels([2, 3], [0, 1, 2, 0, 1, 2])) }),
            ("target", { () throws(LossError) in
                try evaluate("iou", ["mode": .string("multiclass")], input: logits([1, 3, 2]), target: labels([1, 2], [0, 3])) }),
            ("target", { () throws(LossError) in
                try evaluate("iou", ["mode": .string("multiclass")], input: logits([1, 3, 2]),
                             target: try! Tensor(shape: [1, 2], float32: [0, 1.5])) }),
            ("input", { () throws(LossError) in
                try evaluate("mcc", ["mode": .string("multilabel")], input: logits([4]), target: mask([4])) }),
            ("target", { () throws(LossError) in
                try evaluate("tversky", ["mode": .string("multilabel")], input: logits([2, 2, 3]), target: mask([2, 3])) }),
            ("weight", { () throws(LossError) in
                try evaluate("dice", input: logits([2, 3]), target: mask([2, 3]), weight: mask([2, 3])) }),
            ("weight", { () throws(LossError) in
                try evaluate("focal", ["variant": .string("tutorial")], input: logits([2, 3]), target: mask([2, 3]), weight: mask([2, 3])) }),
            ("grad_output", { () throws(LossError) in
                try evaluate("dice", input: logits([2, 3]), target: mask([2, 3]), gradOutput: mask([2])) }),
            ("grad_output", { () throws(LossError) in
                try evaluate("dice", ["per_image": .bool(true), "reduction": .string("none")], input: logits([2, 3]),
                             target: mask([2, 3]), gradOutput: mask([3])) }),
        ]
        for (field, body) in cases {
            #expect(error(body)?.field == field)
        }
    }

    @Test("reduction none has shape [1] pooled binary, [C] pooled multiclass, [N] per image")
    func noneShapes() throws {
        let pooled = try evaluate("dice", ["reduction": .string("none")], input: logits([2, 1, 3]), target: mask([2, 1, 3]))
        #expect(pooled.loss.shape == [1])
        let classes = try evaluate("dice", ["reduction": .string("none"), "mode": .string("multiclass")],
                                   input: logits([2, 3, 2]), target: labels([2, 2], [0, 1, 2, 1]))
        #expect(classes.loss.shape == [3])
        let images = try evaluate("iou", ["reduction": .string("none"), "mode": .string("multilabel"), "per_image": .bool(true)],
                                  input: logits([2, 3, 2]), target: mask([2, 3, 2]))
        #expect(images.loss.shape == [2])
        let focal = try evaluate("focal", ["reduction": .string("none"), "variant": .string("tutorial")],
                                 input: logits([2, 3]), target: mask([2, 3]))
        #expect(focal.loss.shape == [1])
    }

    @Test("saturated logits give finite losses and gradients", arguments: regionLosses + ["focal"])
    func saturatedLogitsStayFinite(_ name: String) throws {
        let values: [Float] = [-100, -40, -21, 21, 40, 100, 0, 3]
        let input = try Tensor(shape: [2, 1, 4], float32: values)
        let target = try Tensor(shape: [2, 1, 4], float32: [0, 1, 0, 1, 1, 0, 1, 0])
        for variant in name == "focal" ? ["per_element", "tutorial"] : [nil] {
            let result = try evaluate(name, variant.map { ["variant": .string($0)] } ?? [:], input: input, target: target)
            let loss: [Double] = result.loss.values()
            let grad: [Double] = result.grad.values()
            #expect(loss.allSatisfy(\.isFinite) && grad.allSatisfy(\.isFinite), "\(name) \(loss) \(grad)")
        }
    }

    @Test("large inputs split across threads give the same bits every time", arguments: [false, true])
    func deterministicAcrossChunks(_ perImage: Bool) throws {
        let shape = [2, 3, 400, 400]  // 320 000 pixels: above the parallel threshold
        let input = logits(shape)
        let target = labels([2, 400, 400], (0..<320_000).map { Int64($0 % 7 % 3) })
        let parameters: [String: ParameterValue] = ["mode": .string("multiclass"), "per_image": .bool(perImage)]
        let first = try evaluate("dice", parameters, input: input, target: target)
        let second = try evaluate("dice", parameters, input: input, target: target)
        #expect(first == second)
    }
}
