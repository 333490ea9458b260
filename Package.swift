// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Plenum",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "plenum", targets: ["plenum"]),
        .library(name: "Ethereum", targets: ["Ethereum"]),
        .library(name: "CSecp256k1", targets: ["CSecp256k1"]),
        .library(name: "Governance", targets: ["Governance"]),
        .library(name: "TOML", targets: ["TOML"]),
        .library(name: "EthereumRPC", targets: ["EthereumRPC"]),
        .library(name: "ChainWatch", targets: ["ChainWatch"]),
        .library(name: "Chat", targets: ["Chat"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Audit", targets: ["Audit"]),
        .library(name: "AuditTesting", targets: ["AuditTesting"]),
        .library(name: "Bot", targets: ["Bot"]),
        .library(name: "PlenumService", targets: ["PlenumService"]),
        .library(name: "Chat", targets: ["Chat"]),
        .library(name: "PlenumTesting", targets: ["PlenumTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .target(
            name: "Ethereum",
            dependencies: [
                "CSecp256k1",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Hashing/generate-keccak-permutation.py"],
            swiftSettings: strict
        ),
        .target(
            name: "Governance",
            dependencies: [
                "Ethereum",
                .product(name: "BigInt", package: "BigInt"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "TOML",
            swiftSettings: strict
        ),
        .target(
            name: "EthereumRPC",
            dependencies: [
                "Ethereum",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ChainWatch",
            dependencies: [
                "Ethereum",
                "EthereumRPC",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Chat",
            dependencies: [
                "Ethereum",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Bot",
            dependencies: [
                "Ethereum", "Governance", "ChainWatch",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Audit",
            dependencies: ["Ethereum", "Governance", "ChainWatch", "Chat", "Bot", "EthereumRPC"],
            swiftSettings: strict
        ),
        .target(
            name: "Storage",
            dependencies: [
                "Audit",
                "Ethereum",
                "ChainWatch",
                "Bot",
                "Governance",
                "Chat",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PlenumService",
            dependencies: [
                "Ethereum", "EthereumRPC", "ChainWatch", "Governance", "Bot", "Chat", "Storage", "TOML",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "plenum",
            dependencies: [
                "Ethereum",
                "Governance",
                "EthereumRPC",
                "ChainWatch",
                "Storage",
                "Chat",
                "Bot",
                "Audit",
                "PlenumService",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "PlenumTesting",
            dependencies: [
                "Ethereum", "EthereumRPC",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Tests/PlenumTesting",
            swiftSettings: strict
        ),
        .target(
            name: "AuditTesting",
            dependencies: ["Audit", "Bot", "Chat", "Ethereum", "Governance", "PlenumTesting"],
            path: "Tests/AuditTesting",
            swiftSettings: strict
        ),
        .target(
            name: "BotTesting",
            dependencies: ["Bot", "ChainWatch", "Governance", "Ethereum", "PlenumTesting"],
            path: "Tests/BotTesting",
            swiftSettings: strict
        ),
        .testTarget(
            name: "EthereumTests",
            dependencies: ["Ethereum", "PlenumTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GovernanceTests",
            dependencies: ["Governance", "Ethereum", "PlenumTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TOMLTests",
            dependencies: ["TOML"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EthereumRPCTests",
            dependencies: ["EthereumRPC", "Ethereum", "PlenumTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChainWatchTests",
            dependencies: [
                "ChainWatch", "EthereumRPC", "Storage", "Ethereum", "PlenumTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BotTests",
            dependencies: ["Bot", "Governance", "ChainWatch", "Ethereum", "EthereumRPC", "Storage", "PlenumTesting", "BotTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PlenumServiceTests",
            dependencies: ["PlenumService", "Bot", "Chat", "Storage", "Ethereum", "PlenumTesting", "BotTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GovernanceLiveTests",
            dependencies: ["Governance", "EthereumRPC", "PlenumService", "Ethereum", "PlenumTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChatTests",
            dependencies: [
                "Chat", "Storage", "Ethereum", "PlenumTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ServeTests",
            dependencies: [
                "Audit", "PlenumService", "Bot", "Chat", "ChainWatch", "Governance", "Storage", "Ethereum", "EthereumRPC", "PlenumTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AdminTests",
            dependencies: [
                "PlenumService", "Bot", "Storage", "Chat", "ChainWatch", "Governance", "Ethereum", "EthereumRPC", "PlenumTesting", "BotTesting",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CrossCheckTests",
            dependencies: ["Ethereum", "PlenumTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MemberCLITests",
            dependencies: [
                "Chat", "Bot", "ChainWatch", "Governance", "Storage", "PlenumService", "Ethereum", "PlenumTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: ["Audit", "AuditTesting", "Bot", "Ethereum", "Governance", "PlenumTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["Ethereum", "PlenumTesting"],
            exclude: ["Fixtures"],
            swiftSettings: strict
        ),
    ]
)
