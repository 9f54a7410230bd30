/// An expression's source as Unicode scalars, with helpers to locate positions in it.
struct SourceText: Sendable {
    /// The scalars of the source.
    let scalars: [Unicode.Scalar]

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The line of `location`, without its terminator.
    func line(containing location: SourceLocation) -> String {
        var end = location.lineStart
        while end < scalars.count, scalars[end] != "\n", scalars[end] != "\r" { end += 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[min(location.lineStart, scalars.count)..<end])
        return String(text)
    }
}
