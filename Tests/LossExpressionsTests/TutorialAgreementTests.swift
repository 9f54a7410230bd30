import LossCore
import LossExpressions
import Testing

/// The tutorial's losses written as expressions (verbatim from EXPRESSIONS.md) against lossd's
/// built-in kernels, float32, loss and gradient within 2e-5.
@Suite struct TutorialAgreementTests {
    static let mse = "mean((input - target)^2)"
    static let dice = "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)"
    static let iou = "p = sigmoid(input); i = sum(p * target); 1 - (i + smooth) / (sum(p + target) - i + smooth)"
    static let focal = "b = mean(softplus(input) - input * target); alpha * (1 - exp(-b))^gamma * b"
    static let diceBCE = "dice(input, target) + 0.5 * bce_with_logits(input, target, pos_weight=2)"

    static func tensors(seed: UInt64, count: Int = 96) throws -> (input: Tensor, target: Tensor) {
        var random = SplitMix(seed: seed)
        let input = (0..<count).map { _ in Float(random.uniform() * 8 - 4) }
        let target = (0..<count).map { _ in random.uniform() < 0.4 ? Float(1) : 0 }
        return (try Tensor(shape: [2, 1, 6, count / 12], float32: input), try Tensor(shape: [2, 1, 6, count / 12], float32: target))
    }

    func check(_ source: String, parameters: [String: ParameterValue] = [:], against loss: any Loss.Type,
               lossParameters: [String: ParameterValue] = [:], seed: UInt64) throws {
        let (input, target) = try Self.tensors(seed: seed)
        let program = try ExpressionProgram(source: source)
        let result = try program.evaluate(ExpressionRequest(tensors: ["input": input, "target": target], parameters: parameters))
        let builtIn = try LossRegistry.standard.evaluate(loss, parameters: lossParameters,
                                                         inputs: LossInputs(input: input, target: target))
        let got: [Float] = result.loss.values(), want: [Float] = builtIn.loss.values()
        #expect(result.loss.dtype == .float32)
        #expect(abs(got[0] - want[0]) <= 2e-5, "loss \(got[0]) vs \(want[0])")
        let gotGrad: [Float] = try #require(result.gradient("input")).values(), wantGrad: [Float] = builtIn.grad.values()
        #expect(gotGrad.count == wantGrad.count)
        let worst = zip(gotGrad, wantGrad).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 2e-5, "gradient differs by \(worst)")
    }

    @Test("the tutorial's my_loss as an expression is mse", arguments: [1, 2, 3] as [UInt64])
    func mseAgrees(seed: UInt64) throws { try check(Self.mse, against: MSELoss.self, seed: seed) }

    @Test("DiceLoss as an expression is the built-in dice", arguments: [1, 2, 3] as [UInt64])
    func diceAgrees(seed: UInt64) throws {
        try check(Self.dice, parameters: ["smooth": .number(1)], against: DiceLoss.self, seed: seed)
    }

    @Test("IoULoss as an expression is the built-in iou", arguments: [1, 2, 3] as [UInt64])
    func iouAgrees(seed: UInt64) throws {
        try check(Self.iou, parameters: ["smooth": .number(1)], against: IoULoss.self, seed: seed)
    }

    @Test("FocalLoss as an expression is the built-in focal with variant tutorial", arguments: [1, 2, 3] as [UInt64])
    func focalAgrees(seed: UInt64) throws {
        try check(Self.focal, parameters: ["alpha": .number(0.8), "gamma": .number(2)], against: FocalLoss.self,
                  lossParameters: ["variant": .string("tutorial"), "alpha": .number(0.8), "gamma": .number(2)], seed: seed)
    }

    @Test("DiceBCELoss as an expression of two terms is the built-in dice_bce", arguments: [1, 2, 3] as [UInt64])
    func diceBCEAgrees(seed: UInt64) throws {
        let source = "p = sigmoid(input); d = 1 - (2 * sum(p * target) + 1) / (sum(p) + sum(target) + 1); mean(softplus(input) - input * target) + d"
        try check(source, against: DiceBCELoss.self, seed: seed)
        try check("dice(input, target) + bce_with_logits(input, target)", against: DiceBCELoss.self, seed: seed)
    }

    @Test("the compound of built-ins from EXPRESSIONS.md evaluates")
    func compoundOfBuiltIns() throws {
        let (input, target) = try Self.tensors(seed: 9)
        let result = try ExpressionProgram(source: Self.diceBCE).evaluate(ExpressionRequest(tensors: ["input": input, "target": target]))
        let dice = try LossRegistry.standard.evaluate(DiceLoss.self, parameters: [:], inputs: LossInputs(input: input, target: target))
        let bce = try LossRegistry.standard.evaluate(BCEWithLogitsLoss.self, parameters: ["pos_weight": .numbers([2])],
                                                     inputs: LossInputs(input: input, target: target))
        let want = dice.loss.values(as: Double.self)[0] + 0.5 * bce.loss.values(as: Double.self)[0]
        #expect(abs(result.loss.values(as: Double.self)[0] - want) < 2e-5)
    }
}

/// A small deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
