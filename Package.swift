// swift-tools-version:6.0
import PackageDescription
import Foundation

// The SIMD kernels build for baseline x86-64 (SSE2), which runs on every x86-64 CPU. An
// operator who knows the CPU the binary will run on can opt into wider vectors and FMA, e.g.
// `LOSSD_TARGET_CPU=haswell swift build -c release` (AVX2 + FMA: about half the instructions per
// element in the transcendental kernels, see Benchmarks/README.md). The binary then needs that CPU.
let targetCPU = ProcessInfo.processInfo.environment["LOSSD_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 }
let kernelSettings: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "lossd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "lossd", targets: ["lossd"]),
        .library(name: "LossCore", targets: ["LossCore"]),
        // Exposed so the separate fuzzing package in Fuzz/ can link the request parser.
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        // Exposed so the separate codec microbenchmark in Benchmarks/Codecs/ can link the JSON codecs.
        .library(name: "TensorCodecs", targets: ["TensorCodecs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        // YAML parsing for the OpenAPI spec test only; nothing shipped links it.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
    ],
    targets: [
        // Pure math: tensors, kernels, losses. No I/O.
        .target(name: "LossCore", swiftSettings: kernelSettings),
        // Wire formats for tensors. Knows tensors, not HTTP or losses.
        .target(name: "TensorCodecs", dependencies: ["LossCore"]),
        // System zlib (zlib1g-dev) with wrappers for the init macros Swift cannot import.
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        // A general HTTP/1.1 server on Foundation + Dispatch. Knows nothing of tensors.
        .target(
            name: "HTTPServer",
            dependencies: ["CZlib", .product(name: "Logging", package: "swift-log")]
        ),
        // Routes, content negotiation, error model, worker pool.
        .target(
            name: "LossService",
            dependencies: [
                "LossCore", "TensorCodecs", "HTTPServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // Compiles openapi.yaml in as OpenAPIDocument.yaml, the document GET /openapi.yaml serves.
            plugins: ["EmbedOpenAPI"]
        ),
        .executableTarget(
            name: "lossd",
            dependencies: [
                "LossService", "HTTPServer", "TensorCodecs",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Build-time only: embeds the top-level openapi.yaml into LossService as a string constant,
        // so the file is the one source and the binary stays self-contained (no resource bundle).
        .executableTarget(name: "EmbedTextTool", path: "Plugins/EmbedTextTool"),
        .plugin(name: "EmbedOpenAPI", capability: .buildTool(), dependencies: ["EmbedTextTool"]),
        .testTarget(name: "LossCoreTests", dependencies: ["LossCore"]),
        .testTarget(name: "TensorCodecsTests", dependencies: ["TensorCodecs"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(
            name: "LossServiceTests",
            dependencies: ["LossService", "HTTPServer", "TensorCodecs", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "lossdTests", dependencies: ["lossd"]),
    ],
    swiftLanguageModes: [.v6]
)
