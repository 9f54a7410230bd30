import LossCore
import TensorCodecs

/// JSON renderings of the loss catalog for `GET /v1/losses` and `GET /v1/losses/{name}`.
enum LossCatalog {
    /// `{"losses": [entry, …]}` for every registered loss.
    static func list(_ registry: LossRegistry) -> [UInt8] { list(registry.descriptors) }

    /// `{"losses": [entry, …]}` for `descriptors`, in order (built-ins, then custom losses).
    static func list(_ descriptors: [LossDescriptor]) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 32_768)
        writer.beginObject()
        writer.key("losses")
        writer.beginArray()
        for descriptor in descriptors { entry(descriptor, into: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// One loss's entry.
    static func describe(_ descriptor: LossDescriptor) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 2048)
        entry(descriptor, into: &writer)
        return writer.bytes
    }

    private static func entry(_ descriptor: LossDescriptor, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name"); writer.string(descriptor.name)
        writer.key("aliases"); strings(descriptor.aliases, into: &writer)
        writer.key("summary"); writer.string(descriptor.summary)
        writer.key("formula"); writer.string(descriptor.formula)
        writer.key("inputs")
        writer.beginArray()
        for input in descriptor.inputs {
            writer.beginObject()
            writer.key("name"); writer.string(input.name)
            writer.key("dtypes"); strings(input.dtypes.map(\.rawValue), into: &writer)
            writer.key("required"); writer.bool(input.required)
            writer.key("summary"); writer.string(input.summary)
            writer.endObject()
        }
        writer.endArray()
        writer.key("parameters")
        writer.beginArray()
        for parameter in descriptor.parameters { self.parameter(parameter, into: &writer) }
        writer.endArray()
        writer.key("reductions"); strings(descriptor.reductions, into: &writer)
        writer.endObject()
    }

    private static func parameter(_ spec: ParameterSpec, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("name"); writer.string(spec.name)
        writer.key("type")
        switch spec.kind {
        case .number(let range):
            writer.string("number"); self.range(range, into: &writer)
        case .integer(let range):
            writer.string("integer"); self.range(range, into: &writer)
        case .bool:
            writer.string("boolean")
        case .choice(let choices):
            writer.string("string")
            writer.key("enum"); strings(choices, into: &writer)
        case .numbers(let range):
            writer.string("array"); self.range(range, into: &writer)
        }
        writer.key("default")
        if let value = spec.defaultValue { writer.parameter(value) } else { writer.null() }
        writer.key("summary"); writer.string(spec.summary)
        writer.endObject()
    }

    private static func range(_ range: ClosedInterval, into writer: inout JSONWriter) {
        guard range != .any else { return }
        writer.key("range"); writer.string(range.description)
        if let lower = range.lower {
            writer.key(range.lowerInclusive ? "minimum" : "exclusiveMinimum"); writer.number(lower)
        }
        if let upper = range.upper {
            writer.key(range.upperInclusive ? "maximum" : "exclusiveMaximum"); writer.number(upper)
        }
    }

    private static func strings(_ values: [String], into writer: inout JSONWriter) {
        writer.beginArray()
        for value in values { writer.string(value) }
        writer.endArray()
    }
}
