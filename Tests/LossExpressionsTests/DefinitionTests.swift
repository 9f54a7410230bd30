import LossCore
import Testing
@testable import LossExpressions

/// Loss definitions (EXPRESSIONS.md "Named custom losses"): what a good one becomes, and where a
/// bad one is reported.
@Suite struct DefinitionTests {
    static func parse(_ text: String, name: String = "my_loss") throws(DefinitionError) -> LossDefinition {
        try LossDefinition(parsing: Array(text.utf8), name: name)
    }

    static func error(_ text: String, name: String = "my_loss") -> DefinitionError? {
        do {
            _ = try parse(text, name: name)
            return nil
        } catch {
            return error
        }
    }

    @Test("a definition becomes a descriptor with reduction, its declared parameters and input dtypes")
    func goodDefinition() throws {
        let definition = try Self.parse("""
            {"name": "my_dice",
             "expression": "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)",
             "summary": "Dice on logits",
             "parameters": {"smooth": {"default": 1.0, "minimum": 0}, "hard": {"type": "boolean", "default": false}},
             "inputs": {"target": {"dtypes": ["float32", "uint8"]}}}
            """, name: "my_dice")
        let descriptor = definition.descriptor
        #expect(descriptor.name == "my_dice")
        #expect(descriptor.summary == "Dice on logits")
        #expect(descriptor.parameters.map(\.name) == ["reduction", "smooth", "hard"])
        #expect(descriptor.parameters[1].kind == .number(.nonNegative))
        #expect(descriptor.parameters[1].defaultValue == .number(1))
        #expect(descriptor.parameters[2].kind == .bool)
        #expect(descriptor.inputs.map(\.name) == ["input", "target"])
        #expect(descriptor.inputs[1].dtypes == [.float32, .uint8])
        #expect(definition.requiredParameters.isEmpty)
    }

    @Test("it evaluates like the built-in loss it spells out")
    func evaluatesLikeBuiltIn() throws {
        let definition = try Self.parse(#"{"expression": "mean((input - target)^2)"}"#)
        let input = try Tensor(shape: [3], float32: [0.5, -1, 2])
        let target = try Tensor(shape: [3], float32: [1, 0, 1])
        let result = try definition.program.evaluate(ExpressionRequest(tensors: ["input": input, "target": target]))
        let builtin = try LossRegistry.standard.evaluate(LossRegistry.standard.loss(named: "mse")!, parameters: [:],
                                                         inputs: LossInputs(input: input, target: target))
        #expect(result.loss == builtin.loss)
        #expect(result.gradient("input") == builtin.grad)
    }

    @Test("a parameter without a default is required; weight read by the expression becomes an input")
    func requiredParameterAndWeight() throws {
        let definition = try Self.parse(#"{"expression": "mean(weight * (input - target)^2) * k", "parameters": {"k": {}}}"#)
        #expect(definition.requiredParameters == ["k"])
        #expect(definition.descriptor.inputs.map(\.name) == ["input", "target", "weight"])
    }

    @Test("errors point at line and column of the definition, also inside the expression string", arguments: [
        // (text, line, column, words of the reason, field)
        ("{\n  \"expression\": \"mean((input - target)^2) * smoth\"\n}", 2, 45, "unknown name 'smoth'", "expression"),
        ("{\"expression\": \"a = input\\n mean(a) + \\\"x\\\"\"}", 1, 39, "unexpected character", "expression"),
        ("{\"expression\": \"mean((input - target)^2\"}", 1, 40, "expected ')'", "expression"),
        ("{\"expression\": \"mean(foo(input))\"}", 1, 22, "unknown function 'foo'", "expression"),
        ("{\"expression\": \"mean(input)\",\n  \"summary\": 3,,}", 2, 16, "expected a member name", nil),
        ("{\"expression\": \"mean(input)\", \"expression\": \"sum(input)\"}", 1, 31, "duplicate member", nil),
        ("{\"expression\": \"mean(input)\", \"formula\": \"x\"}", 1, 31, "unknown member 'formula'", "formula"),
        ("{\"expression\": \"mean(input) * s\",\n \"parameters\": {\"s\": {\"default\": -1, \"minimum\": 0}}}", 2, 34, "default of 's'", "parameters.s"),
        ("{\"expression\": \"mean(input)\", \"parameters\": {\"reduction\": {}}}", 1, 46, "reserved", "parameters.reduction"),
        ("{\"name\": \"other\", \"expression\": \"mean(input)\"}", 1, 10, "must be \"my_loss\"", "name"),
        ("{\"expression\": \"mean(input)\", \"inputs\": {\"input\": {\"dtypes\": [\"int64\"]}}}", 1, 63, "floating point", "inputs.input"),
        ("{\"expression\": 3}", 1, 16, "must be a string", "expression"),
        ("{\"summary\": \"x\"}", 1, 1, "no \"expression\"", "expression"),
        ("[1, 2]", 1, 1, "JSON object", nil),
        ("", 1, 1, "unexpected end", nil),
        ("{\"expression\": \"mean(input)\"} x", 1, 31, "after the JSON value", nil),
    ] as [(String, Int, Int, String, String?)])
    func located(_ text: String, _ line: Int, _ column: Int, _ words: String, _ field: String?) throws {
        let error = try #require(Self.error(text))
        #expect(error.position == TextPosition(line: line, column: column), "\(error)")
        #expect(error.reason.contains(words), "\(error)")
        #expect(error.field == field, "\(error)")
        #expect(error.description.hasPrefix("definition:\(line):\(column): "))
    }

    @Test("the caret line sits under the column, and binary junk is never echoed")
    func rendering() throws {
        let error = try #require(Self.error("{\n  \"expression\": \"mean(input) * smoth\"\n}"))
        let lines = error.description.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[1] == "  \"expression\": \"mean(input) * smoth\"")
        #expect(lines[2] == String(repeating: " ", count: error.position!.column - 1) + "^")
        let junk = try #require(Self.error(String(decoding: [0x7B, 0x22, 0x01, 0xFF, 0xFE, 0x00], as: UTF8.self)))
        #expect(!junk.description.contains("\n"))
    }

    @Test("hostile text fails fast with an error, never a trap", arguments: [
        String(repeating: "[", count: 100_000),
        String(repeating: "{\"a\":", count: 10_000),
        "{\"expression\": \"" + String(repeating: "(", count: 5_000) + "input" + String(repeating: ")", count: 5_000) + "\"}",
        "{\"expression\": \"\\ud800\"}",
        "{\"expression\": \"mean(input)\", \"parameters\": {\"k\": {\"default\": 1e999}}}",
        "\u{FEFF}{}",
    ])
    func hostile(_ text: String) {
        #expect(Self.error(text) != nil)
    }

    @Test("names are identifiers of at most 64 bytes, and 'expression' is taken")
    func names() {
        #expect(LossDefinition.isValidName("my_dice_2"))
        #expect(LossDefinition.isValidName("_x"))
        for bad in ["", "2x", "a-b", "a/b", "..", "a.json", "expression", String(repeating: "a", count: 65), "é"] {
            #expect(!LossDefinition.isValidName(bad), "\(bad)")
        }
    }
}
