import Foundation
import LossCore
import LossExpressions
import Testing
@testable import LossService

/// The loss directory: atomic writes, reload on restart, and start-up errors naming file, line, column.
@Suite struct DefinitionStoreTests {
    static let dice = #"{"expression": "p = sigmoid(input); 1 - (2 * sum(p * target) + smooth) / (sum(p) + sum(target) + smooth)", "parameters": {"smooth": {"default": 1.0, "minimum": 0}}}"#

    /// A fresh empty directory.
    static func directory() throws -> String {
        let path = NSTemporaryDirectory() + "lossd-defs-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a definition made through the library is on disk byte for byte, with no temporary left, and a new library reloads it")
    func writeAndReload() throws {
        let path = try Self.directory()
        let store = DefinitionStore(directory: path)
        let library = LossLibrary(store: store)
        let (_, created) = try library.define("my_dice", source: Array(Self.dice.utf8))
        #expect(created)
        #expect(try FileManager.default.contentsOfDirectory(atPath: path) == ["my_dice.json"])
        #expect(FileManager.default.contents(atPath: path + "/my_dice.json") == Data(Self.dice.utf8))
        // A restart: a new library over the same directory.
        let reloaded = LossLibrary(definitions: try store.loadAll(), store: store)
        #expect(reloaded.customNames == ["my_dice"])
        #expect(reloaded.snapshot.loss(named: "my_dice")?.descriptor.parameters.map(\.name) == ["reduction", "smooth"])
    }

    @Test("replacing rewrites the file atomically; deleting removes it; a rejected definition leaves the file alone")
    func replaceAndDelete() throws {
        let path = try Self.directory()
        let library = LossLibrary(store: DefinitionStore(directory: path))
        _ = try library.define("l", source: Array(#"{"expression": "mean((input - target)^2)"}"#.utf8))
        let (_, created) = try library.define("l", source: Array(#"{"expression": "mean(abs(input - target))"}"#.utf8))
        #expect(!created)
        #expect(String(decoding: FileManager.default.contents(atPath: path + "/l.json")!, as: UTF8.self).contains("abs"))
        #expect(throws: ServiceError.self) { _ = try library.define("l", source: Array("{".utf8)) }
        #expect(String(decoding: FileManager.default.contents(atPath: path + "/l.json")!, as: UTF8.self).contains("abs"))
        try library.remove("l")
        #expect(try FileManager.default.contentsOfDirectory(atPath: path).isEmpty)
        #expect(library.customNames.isEmpty)
    }

    @Test("a bad file is reported as path:line:column with its caret line")
    func badFile() throws {
        let path = try Self.directory()
        try Data("{\n  \"expression\": \"mean(input) * scale\",\n  \"parameters\": {\"scale\": {\"default\": -1, \"minimum\": 0}}\n}\n".utf8)
            .write(to: URL(fileURLWithPath: path + "/scaled.json"))
        let error = try #require(throws: DefinitionError.self) { _ = try DefinitionStore(directory: path).loadAll() }
        #expect(error.description.hasPrefix("\(path)/scaled.json:3:39: the default of 'scale' must be a number in [0, ∞)"), "\(error)")
        #expect(error.description.hasSuffix("\n" + String(repeating: " ", count: 38) + "^"))
    }

    @Test("files may not take built-in names or non-names; temporaries and other files are ignored; a missing directory is an error")
    func fileNames() throws {
        let path = try Self.directory()
        try Data(#"{"expression": "mean(input)"}"#.utf8).write(to: URL(fileURLWithPath: path + "/.x.json.tmp-1-2"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: path + "/README.txt"))
        #expect(try DefinitionStore(directory: path).loadAll().isEmpty)
        try Data(#"{"expression": "mean(input)"}"#.utf8).write(to: URL(fileURLWithPath: path + "/dice.json"))
        let builtin = try #require(throws: DefinitionError.self) { _ = try DefinitionStore(directory: path).loadAll() }
        #expect(builtin.description.contains("dice.json:1:1: 'dice' is a built-in loss"))
        try FileManager.default.removeItem(atPath: path + "/dice.json")
        try Data(#"{"expression": "mean(input)"}"#.utf8).write(to: URL(fileURLWithPath: path + "/my-loss.json"))
        #expect(throws: DefinitionError.self) { _ = try DefinitionStore(directory: path).loadAll() }
        let missing = try #require(throws: DefinitionError.self) { _ = try DefinitionStore(directory: path + "/nope").loadAll() }
        #expect(missing.description == "\(path)/nope: the loss directory does not exist or is not a directory")
    }

    @Test("the library refuses built-in names (409), bad names (422), changes when read-only (403) and past its cap")
    func libraryRefusals() throws {
        let library = LossLibrary()
        let source = Array(#"{"expression": "mean(input)"}"#.utf8)
        #expect(throws: ServiceError(.conflict, code: "builtin_loss", "'l2' is a built-in loss (mse) and cannot be redefined or removed", field: "name")) {
            _ = try library.define("l2", source: source)
        }
        #expect((try? library.define("a/../b", source: source)) == nil)
        do { _ = try library.define("a/../b", source: source) } catch { #expect(error.code == "invalid_name" && error.status == .unprocessableContent) }
        let readOnly = LossLibrary(readOnly: true)
        do { _ = try readOnly.define("x", source: source) } catch { #expect(error.status == .forbidden && error.code == "read_only_losses") }
        do { try library.remove("never_defined") } catch { #expect(error.status == .notFound && error.code == "unknown_loss") }
    }

    @Test("concurrent definers and readers see whole snapshots and lose no definition")
    func concurrency() throws {
        let path = try Self.directory()
        let library = LossLibrary(store: DefinitionStore(directory: path))
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            _ = try? library.define("loss_\(index)", source: Array(#"{"expression": "mean(input) * \#(index)"}"#.utf8))
            let snapshot = library.snapshot
            // The catalog of a snapshot lists exactly that snapshot's custom losses.
            let listed = String(decoding: snapshot.catalog, as: UTF8.self)
            for name in snapshot.custom.keys { #expect(listed.contains("\"\(name)\"")) }
        }
        #expect(library.customNames.count == 16)
        #expect(try DefinitionStore(directory: path).loadAll().count == 16)
    }
}
