import Foundation
import Testing
import LossCore

/// The README's loss table must not drift from the registry.
@Suite struct ReadmeTests {
    static let readme = (try? String(contentsOf: URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md"), encoding: .utf8)) ?? ""

    @Test("the README lists every loss with all its aliases in one row")
    func readmeListsEveryLoss() {
        let rows = Self.readme.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for descriptor in LossRegistry.standard.descriptors {
            let row = rows.first { $0.hasPrefix("| `\(descriptor.name)` |") }
            #expect(row != nil, "README has no row for \(descriptor.name)")
            for alias in descriptor.aliases {
                #expect(row?.contains("`\(alias)`") == true, "README row of \(descriptor.name) lacks alias \(alias)")
            }
        }
    }
}
