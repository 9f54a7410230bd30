// Times LossRegistry.standard.evaluate (parameter validation + kernel + result tensors, no HTTP,
// no codecs) for 7 losses at 1K, 64K, 1M and 16M float32 input elements, and, in the same run,
// a memory-copy floor of the same bytes. Benchmarks/Kernels/run.sh joins its JSON lines with
// PyTorch's (torch_bench.py); alone it prints a Markdown table.
//
//   kernel-bench                                    # every loss and size, Markdown on stdout
//   kernel-bench mse dice --sizes 1K,64K            # a subset (losses also via --losses a,b)
//   kernel-bench --json /tmp/lossd.jsonl            # also one JSON object per cell ('-': stdout only)
//   kernel-bench --profile dice 1M --seconds 30     # one cell in a loop, for perf record
//   kernel-bench --profile dice 64K --iterations 20 # a fixed count, for valgrind --tool=callgrind
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import LossCore

/// Writes a line to a file descriptor, unbuffered (1: stdout, 2: stderr).
func writeLine(_ text: String, to descriptor: Int32) {
    var bytes = Array((text + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}

/// Writes a line to stderr (progress, errors).
func note(_ text: String) { writeLine(text, to: 2) }

/// Exits with a usage message.
func usage(_ problem: String) -> Never {
    note("kernel-bench: \(problem)")
    note("""
        usage: kernel-bench [LOSS ...] [--losses a,b] [--sizes 1K,64K,1M,16M] [--json PATH|-]
               kernel-bench --profile LOSS SIZE [--seconds S | --iterations N]
        losses: \(Workload.losses.joined(separator: " ")); sizes: \(Workload.sizes.map(\.label).joined(separator: " "))
        """)
    exit(2)
}

/// The command line.
struct Options {
    var losses: [String] = []
    var sizes: [(label: String, count: Int)] = Workload.sizes
    var jsonPath: String?
    var profile: (loss: String, size: String)?
    var seconds = 30.0
    var iterations: Int?

    static func size(named label: String) -> (label: String, count: Int)? {
        if let known = Workload.sizes.first(where: { $0.label.lowercased() == label.lowercased() }) { return known }
        guard let count = Int(label), count > 0, count % 1000 == 0 else { return nil }
        return (label, count)
    }

    init(_ arguments: [String]) {
        var rest = arguments[...]
        func value(_ flag: String) -> String {
            guard let next = rest.popFirst() else { usage("\(flag) needs a value") }
            return next
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--losses": losses += value(argument).split(separator: ",").map(String.init)
            case "--sizes":
                sizes = value(argument).split(separator: ",").map { label in
                    guard let size = Self.size(named: String(label)) else { usage("unknown size \(label)") }
                    return size
                }
            case "--json": jsonPath = value(argument)
            case "--profile":
                let loss = value(argument)
                profile = (loss, value(argument))
            case "--seconds":
                guard let s = Double(value(argument)), s > 0 else { usage("--seconds needs a positive number") }
                seconds = s
            case "--iterations":
                guard let n = Int(value(argument)), n > 0 else { usage("--iterations needs a positive integer") }
                iterations = n
            case "-h", "--help": usage("help")
            default:
                guard !argument.hasPrefix("-") else { usage("unknown option \(argument)") }
                losses.append(argument)
            }
        }
        if losses.isEmpty { losses = Workload.losses }
        for loss in losses + (profile.map { [$0.loss] } ?? []) where LossRegistry.standard.loss(named: loss) == nil {
            usage("lossd has no loss named \(loss)")
        }
    }
}

/// `x` as a JSON number (`null` when not finite).
func json(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }

/// `s` as a JSON string.
func json(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

func formatted(_ seconds: Double) -> String {
    switch seconds {
    case ..<1e-6: String(format: "%.0f ns", seconds * 1e9)
    case ..<1e-3: String(format: "%.1f µs", seconds * 1e6)
    case ..<1: String(format: "%.3f ms", seconds * 1e3)
    default: String(format: "%.3f s", seconds)
    }
}

/// The loss value and gradient checksums of one evaluation (compared with PyTorch's by run.sh).
struct Check {
    var loss: Double
    var gradAbsSum: Double
    var gradSum: Double

    init(_ result: LossResult) {
        let loss: [Float], grad: [Float]
        if case .float32(let l) = result.loss.storage { loss = l } else { loss = [] }
        if case .float32(let g) = result.grad.storage { grad = g } else { grad = [] }
        self.loss = loss.first.map(Double.init) ?? .nan
        var absSum = 0.0, sum = 0.0
        for g in grad {
            absSum += abs(Double(g))
            sum += Double(g)
        }
        gradAbsSum = absSum
        gradSum = sum
    }
}

/// Evaluates one loss the way lossd does, minus HTTP and codecs.
@inline(never)
func evaluate(_ loss: any Loss.Type, _ inputs: LossInputs) throws -> LossResult {
    try LossRegistry.standard.evaluate(loss, parameters: [:], inputs: inputs)
}

/// Runs one cell in a loop for a profiler.
func profile(_ options: Options, loss name: String, size label: String) throws -> Never {
    guard let size = Options.size(named: label) else { usage("unknown size \(label)") }
    let workload = try Workload(loss: name, label: size.label, count: size.count)
    let loss = LossRegistry.standard.loss(named: name)!
    // Not through `evaluate`, so `valgrind --toggle-collect='*kernel_bench8evaluate*'` counts exactly the loop.
    let check = Check(try LossRegistry.standard.evaluate(loss, parameters: [:], inputs: workload.inputs))
    note("kernel-bench: profiling \(name) \(size.label) (pid \(getpid())): loss \(check.loss); "
         + (options.iterations.map { "\($0) iterations" } ?? "\(options.seconds) s"))
    let start = monotonicSeconds()
    var iterations = 0
    var sink = 0
    while options.iterations.map({ iterations < $0 }) ?? (monotonicSeconds() - start < options.seconds) {
        sink &+= try evaluate(loss, workload.inputs).grad.count
        iterations += 1
    }
    let elapsed = monotonicSeconds() - start
    precondition(sink > 0)
    note("kernel-bench: \(iterations) evaluations in \(formatted(elapsed)), \(formatted(elapsed / Double(iterations))) each")
    exit(0)
}

/// Times every selected cell; returns the number of cells whose evaluation failed.
func runAll(_ options: Options) throws -> Int {
    var jsonFile: UnsafeMutablePointer<FILE>?
    if let path = options.jsonPath, path != "-" {
        guard let file = fopen(path, "w") else { usage("cannot write \(path)") }
        jsonFile = file
    }
    defer { if let jsonFile { fclose(jsonFile) } }
    // With `--json -` the JSON lines own stdout and the table goes to stderr.
    let tableDescriptor: Int32 = options.jsonPath == "-" ? 2 : 1
    func table(_ line: String) { writeLine(line, to: tableDescriptor) }
    func emit(_ line: String) {
        if options.jsonPath == "-" {
            writeLine(line, to: 1)
        } else if let jsonFile {
            fputs(line + "\n", jsonFile)
            fflush(jsonFile)
        }
    }
    table("| loss | size | evaluate (median) | ns/element | GB/s | memcpy floor (threads) | × floor | GB/s copy |")
    table("|---|---|--:|--:|--:|--:|--:|--:|")
    var failures = 0
    for size in options.sizes {
        for name in Workload.losses + options.losses.filter({ !Workload.losses.contains($0) }) where options.losses.contains(name) {
            let loss = LossRegistry.standard.loss(named: name)!
            let workload = try Workload(loss: name, label: size.label, count: size.count)
            let plan = RepetitionPlan.forElements(size.count)
            let shape = workload.inputs.input.shape.map(String.init).joined(separator: ",")
            var fields = [
                "\"loss\":\(json(name))", "\"size\":\(json(size.label))", "\"elements\":\(size.count)",
                "\"input_shape\":[\(shape)]", "\"target_dtype\":\(json(workload.inputs.target.dtype.rawValue))",
                "\"input_bytes\":\(workload.inputBytes)", "\"target_bytes\":\(workload.targetBytes)",
                "\"grad_bytes\":\(workload.gradBytes)", "\"moved_bytes\":\(workload.movedBytes)",
                "\"kernels\":\(json(KernelBuild.summary))",
            ]
            note("kernel-bench: \(name) \(size.label)...")
            let floor = MemoryFloor.measure(workload, plan: plan)
            let (copy, copyThreads) = floor.best
            fields += ["\"copy_s\":\(json(copy.median))", "\"copy_threads\":\(copyThreads)",
                       "\"copy_1t_s\":\(json(floor.oneThread.median))", "\"copy_2t_s\":\(json(floor.twoThreads.median))"]
            let gbps = { (seconds: Double) in Double(workload.movedBytes) / seconds / 1e9 }
            do {
                let check = Check(try evaluate(loss, workload.inputs))
                var sink = 0
                let timing = try timeCalls(plan) {
                    sink &+= try evaluate(loss, workload.inputs).grad.count
                }
                precondition(sink > 0)
                fields += ["\"lossd_s\":\(json(timing.median))", "\"lossd_fastest_s\":\(json(timing.fastest))",
                           "\"lossd_reps\":\(timing.reps)", "\"lossd_batch\":\(timing.batch)",
                           "\"loss_value\":\(json(check.loss))", "\"grad_abs_sum\":\(json(check.gradAbsSum))",
                           "\"grad_sum\":\(json(check.gradSum))"]
                table("| \(name) | \(size.label) | \(formatted(timing.median)) | \(String(format: "%.2f", timing.median * 1e9 / Double(size.count))) "
                      + "| \(String(format: "%.2f", gbps(timing.median))) | \(formatted(copy.median)) (\(copyThreads)) "
                      + "| \(String(format: "%.2f", timing.median / copy.median))× | \(String(format: "%.2f", gbps(copy.median))) |")
            } catch {
                failures += 1
                fields.append("\"error\":\(json(String(describing: error)))")
                table("| \(name) | \(size.label) | error: \(error) | | | \(formatted(copy.median)) (\(copyThreads)) | | \(String(format: "%.2f", gbps(copy.median))) |")
            }
            emit("{" + fields.joined(separator: ",") + "}")
        }
    }
    return failures
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
if let target = options.profile { try profile(options, loss: target.loss, size: target.size) }
exit(try runAll(options) == 0 ? 0 : 1)
