// swift-tools-version:6.0
// Kernel-only microbenchmark: times LossRegistry.standard.evaluate with no HTTP or JSON, so
// Benchmarks/run.sh's end-to-end figures can be split into kernel and transport time.
// A separate package so the root package (and CI) never builds it. Run by hand:
//   swift run -c release --package-path Benchmarks/Kernels kernel-bench
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
