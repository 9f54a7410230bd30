import LossCore
import LossExpressions
import Testing

/// Malformed and hostile expressions fail with a located, caret-rendered error and never trap.
@Suite struct ExpressionErrorTests {
    static func error(_ source: String, limits: ExpressionLimits = .standard,
                      tensors: [String: Tensor]? = nil) -> ExpressionError? {
        do {
            let program = try ExpressionProgram(source: source, limits: limits)
            let input = try Tensor(shape: [2, 3], float32: [1, 2, 3, 4, 5, 6])
            _ = try program.evaluate(ExpressionRequest(tensors: tensors ?? ["input": input, "target": input]))
            return nil
        } catch let error as ExpressionError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test("an unclosed parenthesis names where it was opened, with line, column and a caret")
    func unclosedParenthesis() throws {
        let error = try #require(Self.error("mean((input - target)^2"))
        #expect(error.code == .invalidExpression)
        #expect(error.location == SourceLocation(line: 1, column: 24))
        #expect(error.description == """
            expression:1:24: expected ')' to close '(' opened at 1:5, found end of expression
            mean((input - target)^2
                                   ^
            """)
    }

    @Test("errors on later lines report that line and repeat it")
    func laterLine() throws {
        let error = try #require(Self.error("p = sigmoid(input)\nmean(p * tar)"))
        #expect(error.location?.line == 2 && error.location?.column == 10)
        #expect(error.description.contains("unknown name 'tar'"))
        #expect(error.description.hasSuffix("mean(p * tar)\n         ^"))
    }

    @Test("each kind of mistake gets its own message", arguments: [
        ("input +", "expected a number, a name or '('"),
        ("input $ 2", "unexpected character '$'"),
        ("01 + input", "leading zeros"),
        ("1. + input", "expected a digit after '.'"),
        ("x = input; x = target; x", "already bound"),
        ("sum(input, axis=2)", "axis 2 is out of range"),
        ("input + ones", "unknown name 'ones'"),
        ("sigmod(input)", "did you mean 'sigmoid'?"),
        ("clamp(input)", "clamp needs 'min', 'max' or both"),
        ("mean(input, bogus=1)", "takes no argument 'bogus'"),
        ("input < target < 1", "cannot be chained"),
        ("", "the expression is empty"),
        ("sum(input) x", "unexpected 'x'"),
        ("sum(input) x = 1", "a binding must come before the loss expression"),
        ("exp", "is a function"),
        ("mean(input * one_hot(target, 0))", "classes must be"),
    ])
    func messages(source: String, fragment: String) throws {
        let error = try #require(Self.error(source), "\(source) should fail")
        #expect(error.description.contains(fragment), "\(error.description)")
        #expect(error.location != nil)
    }

    @Test("shapes that do not broadcast are refused before anything runs")
    func broadcastMismatch() throws {
        let a = try Tensor(shape: [2, 3], float32: [1, 2, 3, 4, 5, 6])
        let b = try Tensor(shape: [2], float32: [1, 2])
        let error = try #require(Self.error("mean(input - target)", tensors: ["input": a, "target": b]))
        #expect(error.description.contains("shapes [2, 3] and [2] do not broadcast"))
        #expect(error.location == SourceLocation(line: 1, column: 12))
    }

    @Test("deep nesting, giant sources, too many nodes and huge broadcasts hit limits, not the stack")
    func limits() throws {
        let deep = String(repeating: "(", count: 100_000) + "input" + String(repeating: ")", count: 100_000)
        #expect(Self.error(deep)?.code == .limitExceeded)
        let minus = String(repeating: "-", count: 100_000) + "input"
        #expect(Self.error(minus, limits: ExpressionLimits(maxSourceBytes: 1 << 20))?.code == .limitExceeded)
        let big = String(repeating: "input + ", count: 10_000) + "input"
        #expect(Self.error(big)?.code == .limitExceeded)
        let many = String(repeating: "1+", count: 6_000) + "input"
        #expect(Self.error(many)?.description.contains("nodes") == true)
        let column = try Tensor(shape: [100_000, 1], float32: [Float](repeating: 1, count: 100_000))
        let row = try Tensor(shape: [1, 100_000], float32: [Float](repeating: 1, count: 100_000))
        let error = Self.error("sum(input * target)", tensors: ["input": column, "target": row])
        #expect(error?.code == .limitExceeded)
        let budget = ExpressionLimits(workBudget: 20)
        #expect(Self.error("mean(exp(input) + exp(input) + input)", limits: budget)?.code == .limitExceeded)
    }

    @Test("request problems name their field")
    func requestFields() throws {
        let input = try Tensor(shape: [2], float32: [1, 2])
        let program = try ExpressionProgram(source: "sum(input)")
        #expect(throws: ExpressionError.self) { try program.evaluate(ExpressionRequest(tensors: ["target": input])) }
        do {
            _ = try program.evaluate(ExpressionRequest(tensors: ["input": input], wrt: ["input", "nope"]))
            Issue.record("expected an error")
        } catch { #expect(error.field == "wrt") }
        do {
            _ = try program.evaluate(ExpressionRequest(tensors: ["input": input], reduction: "avg"))
            Issue.record("expected an error")
        } catch { #expect(error.field == "reduction") }
    }
}
