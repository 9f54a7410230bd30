import LossCore

extension ExpressionProgram {
    /// A name the program reads or calls, and where.
    public struct NameUse: Sendable, Equatable {
        /// The name.
        public var name: String
        /// Where it appears in the expression.
        public var location: SourceLocation
        /// Whether the name is called (`f(…)`) rather than read as a value.
        public var isCall: Bool
    }

    /// Every name the program reads that no earlier binding defines (tensors and parameters), and
    /// every function it calls, in source order — what a definition must declare or the language
    /// must know, checked once when the definition is made instead of on each request.
    public var freeNames: [NameUse] {
        var bound: Set<String> = []
        var uses: [NameUse] = []
        func walk(_ syntax: Syntax) {
            switch syntax.kind {
            case .number, .bool: return
            case .name(let name):
                if !bound.contains(name) { uses.append(NameUse(name: name, location: syntax.location, isCall: false)) }
            case .call(let name, let arguments):
                uses.append(NameUse(name: name, location: syntax.location, isCall: true))
                for argument in arguments { walk(argument.value) }
            case .negate(let operand): walk(operand)
            case .binary(_, let left, let right):
                walk(left)
                walk(right)
            }
        }
        for binding in program.bindings {
            walk(binding.value)
            bound.insert(binding.name)
        }
        walk(program.body)
        return uses
    }

    /// Whether `name` is a function of the language or a loss of `registry` (callable in a program).
    public static func isCallable(_ name: String, registry: LossRegistry) -> Bool {
        FunctionTable.isFunction(name) || registry.loss(named: name) != nil
    }

    /// The offset of `location` in the source's Unicode scalars.
    public static func scalarOffset(of location: SourceLocation) -> Int {
        location.lineStart + location.column - 1
    }
}
