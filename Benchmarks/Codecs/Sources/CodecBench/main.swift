// Times the JSON codecs on 1M-element tensors and prints MB/s of JSON text.
// `codec-bench` runs every benchmark; `codec-bench exhaustive-float32` instead checks the float32
// printer against the standard library's for every bit pattern, `codec-bench random-float64 [n]`
// the float64 printer on n (default 10^8) random values.
import Foundation
import LossCore
import TensorCodecs

if CommandLine.arguments.dropFirst().first == "exhaustive-float32" {
    exhaustiveFloat32Check()
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "random-float64" {
    randomFloat64Check(count: CommandLine.arguments.dropFirst(2).first.flatMap { Int($0) } ?? 100_000_000)
    exit(0)
}

// `codec-bench print`, `codec-bench parse` or `codec-bench mask` runs only that part (for profiling).
let only = CommandLine.arguments.dropFirst().first
var random = SplitMix64(seed: 20_260_501)
let inputs = Workload.inputs(&random)
let maskSeed = random.next()
let gradient = Workload.gradient(&random)
var sink = 0

print("1M elements (\(Workload.count)); MB = 10^6 bytes of JSON text; thread CPU time; MB/s at the median and the best run.\n")
print("| benchmark | text | median | MB/s (median) | MB/s (best) |")
print("|---|--:|--:|--:|--:|")

// Parsing through the JSONValue tree, then decoding (the API LossService uses today).
if only == "mask" {
    var maskRandom = SplitMix64(seed: maskSeed)
    let maskText = Workload.maskText(&maskRandom)
    let maskDocument = Workload.wrapped(#"{"target": "#, maskText, "}")
    report("parse 0/1 mask `{\"target\": [...]}` → int64, inferred (JSONTensorDocument)", bytes: maskDocument.count, timeSeconds {
        let document = try! JSONTensorDocument(parsing: maskDocument, tensorFields: ["target": .inferred])
        sink &+= try! document.tensor("target")!.count
    })
    exit(0)
}
if only != "print" {
var maskRandom = SplitMix64(seed: maskSeed)
let inputText = Workload.pythonText(inputs)
let maskText = Workload.maskText(&maskRandom)
report("parse float32 `[...]` (JSONParser.parse + JSONTensorDecoder.decode)", bytes: inputText.count, timeSeconds {
    let tensor = try! JSONTensorDecoder.decode(try! JSONParser.parse(inputText), field: "input", dtypeDefault: .float32)
    sink &+= tensor.count
})
report("parse 0/1 mask `[...]` → int64, inferred (JSONParser.parse + decode)", bytes: maskText.count, timeSeconds {
    let tensor = try! JSONTensorDecoder.decode(try! JSONParser.parse(maskText), field: "target", dtypeDefault: .inferred)
    sink &+= tensor.count
})
let maskObject = Workload.wrapped(#"{"shape": [\#(Workload.count)], "dtype": "uint8", "data": "#, maskText, "}")
report("parse 0/1 mask `{\"dtype\": \"uint8\"}` → uint8 (JSONParser.parse + decode)", bytes: maskObject.count, timeSeconds {
    let tensor = try! JSONTensorDecoder.decode(try! JSONParser.parse(maskObject), field: "target", dtypeDefault: .inferred)
    sink &+= tensor.count
})


// Parsing straight into the tensor's storage: a request-shaped document with JSONTensorDocument.
let inputDocument = Workload.wrapped(#"{"input": "#, inputText, "}")
report("parse float32 `{\"input\": [...]}` (JSONTensorDocument, direct)", bytes: inputDocument.count, timeSeconds {
    let document = try! JSONTensorDocument(parsing: inputDocument, tensorFields: ["input": .float32])
    precondition(document.wasParsedDirectly("input"))
    sink &+= try! document.tensor("input")!.count
})
let maskDocument = Workload.wrapped(#"{"target": "#, maskText, "}")
report("parse 0/1 mask `{\"target\": [...]}` → int64, inferred (JSONTensorDocument)", bytes: maskDocument.count, timeSeconds {
    let document = try! JSONTensorDocument(parsing: maskDocument, tensorFields: ["target": .inferred])
    precondition(document.wasParsedDirectly("target"))
    sink &+= try! document.tensor("target")!.count
})
let maskObjectDocument = Workload.wrapped(#"{"target": "#, maskObject, "}")
report("parse 0/1 mask `{\"dtype\": \"uint8\"}` → uint8 (JSONTensorDocument)", bytes: maskObjectDocument.count, timeSeconds {
    let document = try! JSONTensorDocument(parsing: maskObjectDocument, tensorFields: ["target": .inferred])
    precondition(document.wasParsedDirectly("target"))
    sink &+= try! document.tensor("target")!.count
})
}

// Printing a float32 gradient the way JSONLossResponse does.
if only != "parse" {
let gradientTensor = try Tensor(shape: [Workload.count], float32: gradient)
var printedBytes = 0
let printTime = timeSeconds {
    var writer = JSONWriter(reservingCapacity: 64 + 14 * gradientTensor.count)
    writer.tensor(gradientTensor)
    printedBytes = writer.bytes.count
    sink &+= printedBytes
}
report("print float32 gradient (JSONWriter.tensor)", bytes: printedBytes, printTime)

let inputTensor = try Tensor(shape: [Workload.count], float32: inputs)
var printedInputBytes = 0
let printInputTime = timeSeconds {
    var writer = JSONWriter(reservingCapacity: 64 + 14 * inputTensor.count)
    writer.tensor(inputTensor)
    printedInputBytes = writer.bytes.count
    sink &+= printedInputBytes
}
report("print float32 N(0,1) values (JSONWriter.tensor)", bytes: printedInputBytes, printInputTime)
}

precondition(sink != 0)
