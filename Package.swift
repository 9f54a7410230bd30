// swift-tools-version:6.0
import PackageDescription
import Foundation

// The CPU the SIMD kernels (LossCore) are compiled for — see README "Run it" and
// Benchmarks/README.md for the measurements behind the default.
//
// - unset (default): on x86-64 Linux, the CPU doing the build (`-target-cpu native`, like
//   `-march=native`), so a plain `swift build -c release` uses AVX2/FMA or AVX-512 where the
//   machine has them (1.5–3× faster transcendental kernels than baseline x86-64). The binary
//   then needs a CPU with the build machine's features; elsewhere no flag is passed.
// - `LOSSD_TARGET_CPU=x86-64`: baseline x86-64 (SSE2), runs on every x86-64 CPU.
// - any other value is passed to `-target-cpu` as is: `haswell` (AVX2 + FMA, the Docker image's
//   default), `znver4`, `skylake-avx512`, …
//
// Kernels use 16-lane vectors when the target has AVX-512 (F, DQ, BW, VL) and 8 otherwise, and
// fused multiply-adds in their polynomials when it has FMA;
// `LOSSD_VECTOR_LANES=8|16` overrides. Use a separate `--scratch-path` per setting: SwiftPM
// does not notice a changed environment variable in an existing build directory.
let environment = ProcessInfo.processInfo.environment
let requestedCPU = environment["LOSSD_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 }
let hostFlags: Set<Substring> = {
    #if os(Linux) && arch(x86_64)
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    return Set(line.split(separator: " "))
    #else
    return []
    #endif
}()
let targetCPU: String? = {
    #if arch(x86_64)
    return requestedCPU ?? (hostFlags.isEmpty ? nil : "native")
    #else
    // The names above are x86-64 CPUs (an image built for arm64 with the x86 default must still build).
    return requestedCPU == "native" ? "native" : nil
    #endif
}()
let avx512CPUs: Set<String> = ["skylake-avx512", "skx", "cascadelake", "cooperlake", "cannonlake", "icelake-client",
                               "icelake-server", "rocketlake", "tigerlake", "sapphirerapids", "emeraldrapids",
                               "graniterapids", "graniterapids-d", "diamondrapids", "znver4", "znver5"]
let fmaCPUs: Set<String> = ["haswell", "core-avx2", "broadwell", "skylake", "alderlake", "raptorlake", "meteorlake",
                            "arrowlake", "arrowlake-s", "lunarlake", "gracemont", "pantherlake", "sierraforest",
                            "grandridge", "clearwaterforest", "bdver2", "bdver3", "bdver4", "znver1", "znver2", "znver3"]
let targetHasAVX512: Bool = {
    guard let cpu = targetCPU else { return false }
    if cpu == "native" { return ["avx512f", "avx512dq", "avx512bw", "avx512vl"].allSatisfy { hostFlags.contains($0) } }
    return avx512CPUs.contains(cpu)
}()
let targetHasFMA: Bool = {
    guard let cpu = targetCPU else { return false }
    if cpu == "native" { return hostFlags.contains("fma") }
    return avx512CPUs.contains(cpu) || fmaCPUs.contains(cpu)
}()
let wideVectors = environment["LOSSD_VECTOR_LANES"].map { $0 == "16" } ?? targetHasAVX512
let kernelSettings: [SwiftSetting] = (targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? [])
    + (wideVectors ? [.define("LOSSD_WIDE_VECTORS")] : [])
    + (targetHasFMA ? [.define("LOSSD_FMA")] : [])

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
        // The expression language (EXPRESSIONS.md): parser, shapes, evaluation, reverse-mode autodiff.
        // Knows tensors and the loss catalog, not HTTP or wire formats.
        .target(name: "LossExpressions", dependencies: ["LossCore"]),
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
                "LossCore", "LossExpressions", "TensorCodecs", "HTTPServer",
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
        .testTarget(name: "LossExpressionsTests", dependencies: ["LossExpressions", "LossCore"]),
        .testTarget(name: "TensorCodecsTests", dependencies: ["TensorCodecs"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(
            name: "LossServiceTests",
            dependencies: ["LossService", "LossExpressions", "HTTPServer", "TensorCodecs", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(name: "lossdTests", dependencies: ["lossd"]),
    ],
    swiftLanguageModes: [.v6]
)
