// swift-tools-version:6.1
import PackageDescription

// The package graph is the architecture: each target uses only the targets listed before it.
// DESIGN.md draws the graph and says what each target owns.
let package = Package(
    name: "Vigie",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "vigie", targets: ["vigie"]),
        .library(
            name: "VigieKit",
            targets: [
                "VigieCore", "VigieText", "VigieRegex", "VigieLanguage", "VigieEngine", "VigieRuleTests",
                "VigieLint", "VigieFormat", "VigieImport", "VigieReport", "VigieBench", "VigieDelivery", "VigieServe",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // `vigie serve` only: the HTTP server (SwiftNIO underneath) and the Prometheus metrics.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .systemLibrary(
            name: "CHunspell",
            pkgConfig: "hunspell",
            providers: [.apt(["libhunspell-dev", "hunspell-fr", "hunspell-es", "hunspell-en-us"]), .brew(["hunspell"])]
        ),
        // Sources, spans, diagnostics and their catalog, the action descriptor, JSON writing.
        .target(name: "VigieCore", swiftSettings: [.swiftLanguageMode(.v6)]),
        // Text normalization and language detection.
        .target(name: "VigieText", dependencies: ["VigieCore", "CHunspell"], swiftSettings: [.swiftLanguageMode(.v6)]),
        // PCRE2 regular expressions with bounded cost.
        .target(name: "VigieRegex", dependencies: ["VigieCore", "CPCRE2"], swiftSettings: [.swiftLanguageMode(.v6)]),
        // The rule language: lexer, parser, syntax tree, checker → RuleSet.
        .target(
            name: "VigieLanguage", dependencies: ["VigieCore", "VigieText", "VigieRegex"],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        // Compile a RuleSet into a program; evaluate comments; decisions, explain, state.
        .target(
            name: "VigieEngine", dependencies: ["VigieCore", "VigieText", "VigieRegex", "VigieLanguage"],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        // Rule tests (`vigie test`) and backtests (`vigie eval`).
        .target(name: "VigieRuleTests", dependencies: ["VigieCore", "VigieLanguage", "VigieEngine"]),
        // Lint rules and the diagnostic reporters shared by `check` and `lint`.
        .target(
            name: "VigieLint",
            dependencies: ["VigieCore", "VigieText", "VigieRegex", "VigieLanguage", "VigieEngine", "VigieRuleTests"]),
        // The formatter (`vigie fmt`).
        .target(name: "VigieFormat", dependencies: ["VigieCore", "VigieLanguage"]),
        // AutoModerator import.
        .target(
            name: "VigieImport",
            dependencies: [
                "VigieCore", "VigieRegex", "VigieLanguage", "VigieEngine", "VigieRuleTests", "VigieFormat", .product(name: "Yams", package: "Yams"),
            ]),
        // Reports over decision files (`vigie report`).
        .target(name: "VigieReport", dependencies: ["VigieCore", "VigieEngine"]),
        // Benchmarks (`vigie bench`).
        .target(name: "VigieBench", dependencies: ["VigieCore", "VigieText", "VigieRegex", "VigieLanguage", "VigieEngine"]),
        // Delivery of actions to where a team works: the delivery file, the durable outbox,
        // idempotency keys, retries with backoff, the dead-letter file (`run --deliver`, `serve`).
        .target(name: "VigieDelivery", dependencies: ["VigieCore", "VigieEngine"]),
        // The HTTP service (`vigie serve`): decide, health, metrics, reload, drain.
        .target(
            name: "VigieServe",
            dependencies: [
                "VigieCore", "VigieLanguage", "VigieEngine", "VigieDelivery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The command-line interface: argument parsing and nothing else.
        .executableTarget(
            name: "vigie",
            dependencies: [
                "VigieCore", "VigieLanguage", "VigieEngine", "VigieRuleTests", "VigieLint", "VigieFormat",
                "VigieImport", "VigieReport", "VigieBench", "VigieDelivery", "VigieServe",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "VigieKitTests",
            dependencies: [
                "VigieCore", "VigieText", "VigieRegex", "VigieLanguage", "VigieEngine", "VigieRuleTests",
                "VigieLint", "VigieFormat", "VigieImport", "VigieReport", "VigieBench", "VigieDelivery", "VigieServe",
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
