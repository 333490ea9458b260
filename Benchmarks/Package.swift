// swift-tools-version:6.1
// Benchmarks live in their own package so that the main build and CI never compile them.
// Run: swift run -c release --package-path Benchmarks plenum-bench [primitives|watch|ingest]
import PackageDescription

let package = Package(
    name: "PlenumBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Plenum", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
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
                .product(name: "Chat", package: "Plenum"),
                .product(name: "Governance", package: "Plenum"),
                .product(name: "PlenumTesting", package: "Plenum"),
                .product(name: "Audit", package: "Plenum"),
                .product(name: "PlenumService", package: "Plenum"),
                .product(name: "AuditTesting", package: "Plenum"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        )
    ]
)
