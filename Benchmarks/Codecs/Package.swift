// swift-tools-version:6.0
// JSON codec microbenchmark: MB/s of JSON text for parsing tensors and printing gradients with
// TensorCodecs, no HTTP. A separate package so the root package (and CI) never builds it. Run by hand:
//   swift run -c release --package-path Benchmarks/Codecs codec-bench
//   swift run -c release --package-path Benchmarks/Codecs codec-bench exhaustive-float32
import PackageDescription

let package = Package(
    name: "LossdCodecs",
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its folder name, which
        // differs between clones and worktrees.
        .package(name: "lossd", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "codec-bench",
            dependencies: [
                .product(name: "TensorCodecs", package: "lossd"),
                .product(name: "LossCore", package: "lossd"),
            ],
            path: "Sources/CodecBench"
        ),
    ],
    swiftLanguageModes: [.v6]
)
