// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "scaidial",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "scaidial", targets: ["scaidial"]),
        .library(name: "Dialplan", targets: ["Dialplan"]),
        .library(name: "ScaiDial", targets: ["ScaiDial"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        // Pure routing logic: E.164, patterns, schedules, rule evaluation. Foundation only.
        .target(name: "Dialplan", swiftSettings: swiftSettings),
        // The application: persistence, services, HTTP API, auth.
        .target(
            name: "ScaiDial",
            dependencies: [
                "Dialplan",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The tiny executable: command-line parsing, then buildApplication(...).
        .executableTarget(
            name: "scaidial",
            dependencies: [
                "ScaiDial",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmark command: swift run -c release scaidial-bench
        .executableTarget(name: "scaidial-bench", dependencies: ["Dialplan"], swiftSettings: swiftSettings),
        .testTarget(name: "DialplanTests", dependencies: ["Dialplan"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ScaiDialTests",
            dependencies: [
                "ScaiDial",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
