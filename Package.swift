// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Earshot",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "earshot-edge", targets: ["earshot-edge"]),
        .executable(name: "earshot-cloud", targets: ["earshot-cloud"]),
        .executable(name: "earshot-replay", targets: ["earshot-replay"]),
        .executable(name: "earshot-bench", targets: ["earshot-bench"]),
        .library(name: "EarshotAudio", targets: ["EarshotAudio"]),
        .library(name: "EarshotFeatures", targets: ["EarshotFeatures"]),
        .library(name: "EarshotInference", targets: ["EarshotInference"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(
            name: "CALSA",
            pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // Libraries: all the logic lives here, so tests call it directly.
        .target(name: "EarshotAudio", dependencies: ["CALSA"]),
        .target(name: "EarshotFeatures"),
        .target(name: "EarshotInference"),
        .target(name: "EarshotWire"),
        .target(
            name: "EarshotEdge",
            dependencies: [
                "EarshotAudio", "EarshotFeatures", "EarshotInference", "EarshotWire", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Executables: thin argument parsing over the libraries.
        .executableTarget(
            name: "earshot-edge",
            dependencies: ["EarshotEdge", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "earshot-cloud",
            dependencies: [
                "EarshotFeatures", "EarshotInference", "EarshotWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "earshot-replay",
            dependencies: [
                "EarshotAudio", "EarshotFeatures", "EarshotInference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // libFuzzer entry for the model loader (a replay tool without -DEARSHOT_FUZZ).
        .executableTarget(name: "earshot-inference-fuzz", dependencies: ["EarshotInference"]),

        // Release-build benchmarks: each prints its figure and the ratio to its reference.
        .executableTarget(
            name: "earshot-bench",
            dependencies: [
                "EarshotAudio", "EarshotFeatures", "EarshotInference",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "EarshotAudioTests", dependencies: ["EarshotAudio"]),
        .testTarget(name: "EarshotFeaturesTests", dependencies: ["EarshotFeatures", "EarshotAudio"], exclude: ["Fixtures"]),
        .testTarget(name: "EarshotEdgeTests", dependencies: ["EarshotEdge", "EarshotWire", "EarshotAudio"], exclude: ["Fixtures"]),
        .testTarget(
            name: "EarshotInferenceTests", dependencies: ["EarshotInference", "EarshotFeatures", "EarshotAudio"], exclude: ["Fixtures"]),
    ]
)
