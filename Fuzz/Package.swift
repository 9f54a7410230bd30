// swift-tools-version:6.0
import PackageDescription

// A separate package so the main package's `swift build` / `swift test` never see
// the fuzzer flags. Build with Fuzz/run.sh, which adds -sanitize=fuzzer,address.
let package = Package(
    name: "lossd-fuzz",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "HTTPParserFuzzer", targets: ["HTTPParserFuzzer"]),
    ],
    dependencies: [
        .package(name: "lossd", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "HTTPParserFuzzer",
            dependencies: [.product(name: "HTTPServer", package: "lossd")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
