// swift-tools-version:6.1
// Benchmarks live in their own package so that the main build and CI never compile them.
// Run: swift run -c release --package-path Benchmarks plenum-bench [primitives]
import PackageDescription

let package = Package(
    name: "PlenumBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Plenum", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        .executableTarget(
            name: "plenum-bench",
            dependencies: [
                .product(name: "Ethereum", package: "Plenum"),
                .product(name: "CSecp256k1", package: "Plenum"),
                .product(name: "EthereumRPC", package: "Plenum"),
                .product(name: "ChainWatch", package: "Plenum"),
                .product(name: "Storage", package: "Plenum"),
                .product(name: "PlenumTesting", package: "Plenum"),
                .product(name: "Audit", package: "Plenum"),
                .product(name: "AuditTesting", package: "Plenum"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
