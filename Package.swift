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
        .library(name: "EarshotCloud", targets: ["EarshotCloud"]),
        .library(name: "EarshotIntent", targets: ["EarshotIntent"]),
        .library(name: "EarshotRecognition", targets: ["EarshotRecognition"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Cloud service (EarshotCloud) only; the edge binary never links these.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Context files (EarshotIntent) only.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
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
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // glibc's <malloc.h> (mallopt), for the edge agent's memory.
        .systemLibrary(name: "CMalloc"),
        .systemLibrary(
            name: "CPocketSphinx",
            pkgConfig: "pocketsphinx",
            providers: [.apt(["libpocketsphinx-dev", "pocketsphinx-en-us"])]
        ),

        // Libraries: all the logic lives here, so tests call it directly.
        .target(name: "EarshotFiles"),
        .target(name: "EarshotAudio", dependencies: ["CALSA", "EarshotFiles"]),
        .target(name: "EarshotFeatures"),
        .target(name: "EarshotInference", dependencies: ["EarshotFiles"]),
        .target(name: "EarshotWire"),
        // Speech-to-intent contexts: YAML → expressions → parser and JSGF grammar.
        .target(name: "EarshotIntent", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "EarshotRecognition", dependencies: ["CPocketSphinx"]),
        .target(
            name: "EarshotEdge",
            dependencies: [
                "EarshotAudio", "EarshotFeatures", "EarshotInference", "EarshotWire", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(
            name: "EarshotCloud",
            dependencies: [
                "EarshotAudio", "EarshotFeatures", "EarshotInference", "EarshotWire", "CSQLite", "CCrypto",
                "EarshotIntent", "EarshotRecognition",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // Executables: thin argument parsing over the libraries.
        .executableTarget(
            name: "earshot-edge",
            dependencies: [
                "EarshotEdge", "EarshotAudio", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "earshot-cloud",
            dependencies: [
                "EarshotCloud", "EarshotWire", "EarshotIntent", "EarshotRecognition", "EarshotAudio",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "earshot-replay",
            dependencies: [
                "EarshotAudio", "EarshotFeatures", "EarshotInference", "EarshotEdge",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // libFuzzer entry for the model loader (a replay tool without -DEARSHOT_FUZZ).
        .executableTarget(name: "earshot-inference-fuzz", dependencies: ["EarshotInference"]),

        // Release-build benchmarks: each prints its figure and the ratio to its reference.
        .executableTarget(
            name: "earshot-bench",
            dependencies: [
                "EarshotAudio", "EarshotFeatures", "EarshotInference", "EarshotRecognition",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(name: "EarshotIntentTests", dependencies: ["EarshotIntent"]),
        .testTarget(name: "EarshotAudioTests", dependencies: ["EarshotAudio"]),
        .testTarget(name: "EarshotFeaturesTests", dependencies: ["EarshotFeatures", "EarshotAudio"], exclude: ["Fixtures"]),
        .testTarget(name: "EarshotEdgeTests", dependencies: ["EarshotEdge", "EarshotWire", "EarshotAudio"], exclude: ["Fixtures"]),
        .testTarget(name: "EarshotCloudTests", dependencies: ["EarshotCloud", "EarshotEdge", "EarshotWire", "EarshotAudio"]),
        .testTarget(name: "EarshotRecognitionTests", dependencies: ["EarshotRecognition", "EarshotAudio"], exclude: ["Fixtures"]),
        .testTarget(
            name: "EarshotInferenceTests", dependencies: ["EarshotInference", "EarshotFeatures", "EarshotAudio"], exclude: ["Fixtures"]),
    ]
)
