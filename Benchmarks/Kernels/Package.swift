// swift-tools-version:6.0
// Kernel-only microbenchmark: times LossRegistry.standard.evaluate with no HTTP or JSON, against a
// memcpy floor measured in the same run; Benchmarks/Kernels/run.sh adds PyTorch fwd+bwd
// (torch_bench.py) and prints the joined report (see Benchmarks/README.md, "Kernel only").
// A separate package so the root package (and CI) never builds it. Run by hand:
//   Benchmarks/Kernels/run.sh > /tmp/kernels.md
//   swift run -c release --package-path Benchmarks/Kernels kernel-bench [--json out.jsonl]
import PackageDescription

let package = Package(
    name: "LossdKernels",
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its folder name, which
        // differs between clones and worktrees.
        .package(name: "lossd", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "kernel-bench",
            dependencies: [.product(name: "LossCore", package: "lossd")],
            path: "Sources/KernelBench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
