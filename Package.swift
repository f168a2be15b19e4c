// swift-tools-version:6.0
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
                "VigieLint", "VigieFormat", "VigieImport", "VigieReport", "VigieBench",
            ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
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
        // The command-line interface: argument parsing and nothing else.
        .executableTarget(
            name: "vigie",
            dependencies: [
                "VigieCore", "VigieLanguage", "VigieEngine", "VigieRuleTests", "VigieLint", "VigieFormat",
                "VigieImport", "VigieReport", "VigieBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "VigieKitTests",
            dependencies: [
                "VigieCore", "VigieText", "VigieRegex", "VigieLanguage", "VigieEngine", "VigieRuleTests",
                "VigieLint", "VigieFormat", "VigieImport", "VigieReport", "VigieBench",
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v5]
)
