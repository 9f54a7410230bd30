#if canImport(FoundationEssentials)
import FoundationEssentials  // Data and file I/O without linking all of Foundation into a build tool.
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a Swift source file that holds a UTF-8 text file verbatim as one string constant.
///
///     EmbedTextTool <input> <output.swift> <EnumName> <memberName>
///
/// The result is `public enum EnumName { public static let memberName: String = #"""…"""# }`,
/// whose UTF-8 bytes are the input's bytes exactly. Invariants that keep it byte-exact:
/// - the raw-string delimiter has one `#` more than the longest run of `#` in the text, so no
///   `"""#…` terminator and no `\#…` escape can occur inside it;
/// - the closing `"""` starts its own line at column 0, so no indentation is stripped, and the
///   line break before it is the literal's own (Swift drops it), so a final newline survives;
/// - every scalar Swift would alter or reject in a literal (CR, which a multi-line literal
///   normalises to LF, and other control or format characters such as a BOM) is written as a
///   `\#u{…}` escape; LF and tab are written as they are.
///
/// A single string literal, not a `[UInt8]` array literal: the type checker handles one
/// 90 KB literal in a fraction of a second, whereas ~90,000 integer elements take it minutes.
/// Input that is not valid UTF-8 fails the build rather than being silently repaired.
@main enum EmbedTextTool {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 5 else {
            fail("usage: EmbedTextTool <input> <output.swift> <EnumName> <memberName>")
        }
        let (input, output, enumName, memberName) = (arguments[1], arguments[2], arguments[3], arguments[4])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: input))
        let text = String(decoding: bytes, as: UTF8.self)
        // String(decoding:) replaces invalid sequences with U+FFFD; a changed byte count or
        // content means the file was not valid UTF-8.
        guard text.utf8.elementsEqual(bytes) else { fail("\(input) is not valid UTF-8") }
        let source = swiftSource(embedding: text, fileName: URL(fileURLWithPath: input).lastPathComponent,
                                 enumName: enumName, memberName: memberName)
        try Data(source.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
    }

    /// The generated file: a header, the enum, and the text as one raw multi-line literal.
    static func swiftSource(embedding text: String, fileName: String, enumName: String, memberName: String) -> String {
        let hashes = String(repeating: "#", count: longestHashRun(in: text) + 1)
        return """
            // Generated at build time by the EmbedOpenAPI plugin (Plugins/) from \(fileName); do not edit.

            /// `\(fileName)` verbatim, compiled into the binary so it needs no resource bundle.
            public enum \(enumName) {
                /// The whole file as UTF-8 text, byte for byte.
                public static let \(memberName): String = \(hashes)\"\"\"

            """ + escaped(text, hashes: hashes) + "\n\"\"\"\(hashes)\n}\n"
    }

    /// The length of the longest run of `#` in `text`.
    static func longestHashRun(in text: String) -> Int {
        var longest = 0, current = 0
        for byte in text.utf8 {
            current = byte == UInt8(ascii: "#") ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }

    /// `text` with every scalar a literal would not keep as it is written as a raw-string escape.
    static func escaped(_ text: String, hashes: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                result += "\\\(hashes)u{\(String(scalar.value, radix: 16))}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Control, format and line/paragraph-separator scalars other than LF and tab.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\n" || scalar == "\t" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    static func fail(_ message: String) -> Never {
        // write(2) on the descriptor, not fputs(stderr): the C global is not concurrency-safe in Swift 6.
        let line = Array("EmbedTextTool: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(1)
    }
}
