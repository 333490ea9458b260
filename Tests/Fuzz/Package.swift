// swift-tools-version:6.1
// libFuzzer targets for every parser of untrusted input. A package of its own, so that the main
// build never compiles them; build and run them with Tests/Fuzz/run (see docs/security.md).
import PackageDescription

let fuzz: [SwiftSetting] = [.swiftLanguageMode(.v6), .unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "PlenumFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Plenum", path: "../..")],
    targets: [
        .target(name: "CFuzz"),
        .target(name: "FuzzDriver", dependencies: ["CFuzz"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "FuzzABI", dependencies: ["FuzzDriver", .product(name: "Ethereum", package: "Plenum")], swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzTypedData", dependencies: ["FuzzDriver", .product(name: "Ethereum", package: "Plenum")], swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzJSON", dependencies: ["FuzzDriver", .product(name: "Ethereum", package: "Plenum")], swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzBallot",
            dependencies: ["FuzzDriver", .product(name: "Governance", package: "Plenum"), .product(name: "Ethereum", package: "Plenum")],
            swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzRPC",
            dependencies: [
                "FuzzDriver", .product(name: "EthereumRPC", package: "Plenum"), .product(name: "ChainWatch", package: "Plenum"),
                .product(name: "Ethereum", package: "Plenum"),
            ],
            swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzChat",
            dependencies: ["FuzzDriver", .product(name: "Chat", package: "Plenum"), .product(name: "Ethereum", package: "Plenum")],
            swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzTOML", dependencies: ["FuzzDriver", .product(name: "TOML", package: "Plenum")], swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzConfig", dependencies: ["FuzzDriver", .product(name: "PlenumService", package: "Plenum")], swiftSettings: fuzz),
        .executableTarget(
            name: "FuzzExportLine",
            dependencies: [
                "FuzzDriver", .product(name: "Audit", package: "Plenum"), .product(name: "AuditTesting", package: "Plenum"),
                .product(name: "Ethereum", package: "Plenum"),
            ],
            swiftSettings: fuzz),
    ]
)
