import LossCore
import Testing
@testable import TensorCodecs

@Suite struct JSONWriterTests {
    @Test func printsShortestRoundTripForms() {
        var writer = JSONWriter()
        writer.beginArray()
        for value: Double in [0.1, 1e-5, 1e16, -0.0, 5e-324, 100, .nan, .infinity, -.infinity] { writer.number(value) }
        for value: Float in [0.1, 1e-5, 3.4028235e38, 16777216] { writer.number(value) }
        writer.endArray()
        #expect(writer.string == #"[0.1,1e-05,1e+16,-0.0,5e-324,100.0,"NaN","Infinity","-Infinity",0.1,1e-05,3.4028235e+38,16777216.0]"#)
    }

    @Test func outputIsValidJSONThatParsesBack() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("loss")
        writer.number(Float(1e-5))
        writer.key("name")
        writer.string("quote\" back\\ nl\n ctl\u{1} é")
        writer.key("list")
        writer.integers([1, -2, Int.max])
        writer.key("nested")
        writer.value(try parse(#"{"a": [true, null, {"b": []}], "c": [1, 2.5]}"#))
        writer.endObject()
        let parsed = try JSONParser.parse(writer.bytes)
        #expect(parsed["loss"] == .number(1e-05))
        #expect(parsed["name"] == .string("quote\" back\\ nl\n ctl\u{1} é"))
        #expect(parsed["list"] == .numbers([1, -2, Double(Int.max)], integral: true))
        #expect(writer.string.contains(#"ctl\u0001"#))
        #expect(writer.string.contains("9223372036854775807"))
    }

    @Test func integersIncludingExtremes() {
        var writer = JSONWriter()
        writer.beginArray()
        for value: Int64 in [0, -1, 42, .min, .max] { writer.integer(value) }
        writer.endArray()
        #expect(writer.string == "[0,-1,42,-9223372036854775808,9223372036854775807]")
    }

    @Test func tensorsPrintTheirOwnPrecision() throws {
        var writer = JSONWriter()
        writer.tensor(Tensor(unchecked: [2], storage: .float32([0.1, .nan])))
        #expect(writer.string == #"{"shape":[2],"dtype":"float32","data":[0.1,"NaN"]}"#)
        writer = JSONWriter()
        writer.tensor(Tensor(unchecked: [], storage: .bfloat16([HalfPrecision.bfloat16(from: 1.5)])))
        #expect(writer.string == #"{"shape":[],"dtype":"bfloat16","data":[1.5]}"#)
        writer = JSONWriter()
        writer.tensor(Tensor(unchecked: [1, 2], storage: .bool([true, false])))
        #expect(writer.string == #"{"shape":[1,2],"dtype":"bool","data":[true,false]}"#)
    }

    @Test func parametersPrintIntegersWithoutFraction() {
        var writer = JSONWriter()
        writer.beginArray()
        writer.parameter(.number(-100))
        writer.parameter(.number(0.25))
        writer.parameter(.numbers([1, 2.5]))
        writer.parameter(.string("mean"))
        writer.parameter(.null)
        writer.endArray()
        #expect(writer.string == #"[-100,0.25,[1,2.5],"mean",null]"#)
    }
}

@Suite struct ParameterValueJSONTests {
    @Test func convertsScalarsAndLists() throws {
        let object = try #require(try parse(#"{"a": 1.5, "b": true, "c": "mean", "d": [1, 2], "e": null, "f": [], "g": [1, "Infinity"]}"#).objectValue)
        let parameters = try ParameterValue.parameters(from: object)
        #expect(parameters == ["a": .number(1.5), "b": .bool(true), "c": .string("mean"), "d": .numbers([1, 2]),
                               "e": .null, "f": .numbers([]), "g": .numbers([1, .infinity])])
    }

    @Test func rejectsObjectsAndNestedListsNamingTheParameter() throws {
        #expect(throws: TensorDecodingError.self) { try ParameterValue(json: try parse(#"{"x": 1}"#), name: "smooth") }
        do {
            _ = try ParameterValue(json: try parse("[[1]]"), name: "weight")
        } catch let error as TensorDecodingError {
            #expect(error.field == "weight")
            #expect(error.message.contains("\"weight\""))
        }
    }

    @Test func textParametersParseAsJSONOrFallBackToStrings() throws {
        #expect(try ParameterValue(text: "0.5", name: "p") == .number(0.5))
        #expect(try ParameterValue(text: "true", name: "p") == .bool(true))
        #expect(try ParameterValue(text: "[1, 2]", name: "p") == .numbers([1, 2]))
        #expect(try ParameterValue(text: "mean", name: "p") == .string("mean"))
        #expect(try ParameterValue(text: "\"mean\"", name: "p") == .string("mean"))
    }
}
