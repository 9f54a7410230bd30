import Foundation
import LossCore
import LossExpressions
import Testing

/// The README's custom-loss examples are EXPRESSIONS.md's, and each one evaluates as written.
@Suite struct ReadmeExpressionTests {
    static let examples: [String] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let readme = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        guard let section = readme.range(of: "## Custom losses: expressions") else { return [] }
        let block = readme[section.upperBound...].components(separatedBy: "```")[1]
        return block.split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }()

    @Test("the README shows the six examples of EXPRESSIONS.md")
    func sixExamples() { #expect(Self.examples.count == 6) }

    @Test("each README example evaluates verbatim, comment included", arguments: examples)
    func evaluates(_ line: String) throws {
        let classes = line.contains("one_hot")
        var random = SplitMix(seed: 5)
        let input = try Tensor(shape: [2, 5, 2], float32: (0..<20).map { _ in Float(random.uniform() * 4 - 2) })
        let target = classes ? try Tensor(shape: [2, 2], storage: .int64([0, 4, 2, 1]))
                             : try Tensor(shape: [2, 5, 2], float32: (0..<20).map { _ in random.uniform() < 0.5 ? 1 : 0 })
        let result = try ExpressionProgram(source: line).evaluate(ExpressionRequest(
            tensors: ["input": input, "target": target],
            parameters: ["smooth": .number(1), "alpha": .number(0.8), "gamma": .number(2)]))
        let loss: [Float] = result.loss.values()
        #expect(loss.count == 1 && loss[0].isFinite)
        #expect(result.gradient("input")?.shape == [2, 5, 2])
    }
}
