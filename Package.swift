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
        .library(name: "SIPRegistration", targets: ["SIPRegistration"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/fluent-kit.git", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
    ],
    targets: [
        // Pure routing logic: E.164, patterns, schedules, rule evaluation. Foundation only.
        .target(name: "Dialplan", swiftSettings: swiftSettings),
        // LiveKit server-API client: tokens, Twirp services, webhook verification. No tenants, no DB.
        .target(
            name: "LiveKit",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // A SIP registration client (REGISTER over UDP/TCP/TLS, digest auth, a pure state machine).
        // No database, no HTTP framework: the application drives it.
        .target(
            name: "SIPRegistration",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // A wire-exact fake LiveKit server for the tests (checks paths, tokens, grants; injects faults).
        .target(
            name: "LiveKitFake",
            dependencies: [
                "LiveKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The application: persistence, services, HTTP API, auth.
        .target(
            name: "ScaiDial",
            dependencies: [
                "Dialplan",
                "LiveKit",
                "SIPRegistration",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            // The softphone's and the admin console's pages, scripts and styles and the default voicemail greeting, compiled into the
            // binary (no npm, no files to ship).
            resources: [
                .embedInCode("Web/Assets/dial.html"), .embedInCode("Web/Assets/phone.css"),
                .embedInCode("Web/Assets/phone-api.js"), .embedInCode("Web/Assets/phone-media.js"),
                .embedInCode("Web/Assets/phone-devices.js"),
                .embedInCode("Web/Assets/phone-card.js"), .embedInCode("Web/Assets/phone-app.js"),
                .embedInCode("Web/Assets/phone-ringer.js"), .embedInCode("Web/Assets/phone-recents.js"),
                .embedInCode("Web/Assets/voicemail.js"),
                .embedInCode("Voicemail/Assets/default-greeting.wav"),
                // The admin console (/admin): one page, its styles and scripts.
                .embedInCode("Web/Assets/admin.html"), .embedInCode("Web/Assets/admin.css"),
                .embedInCode("Web/Assets/admin-api.js"), .embedInCode("Web/Assets/admin-ui.js"),
                .embedInCode("Web/Assets/admin-app.js"), .embedInCode("Web/Assets/admin-tenants.js"),
                .embedInCode("Web/Assets/admin-tokens.js"),
                .embedInCode("Web/Assets/admin-config.js"), .embedInCode("Web/Assets/admin-extensions.js"),
                .embedInCode("Web/Assets/admin-trunks.js"), .embedInCode("Web/Assets/admin-dialplans.js"),
                .embedInCode("Web/Assets/admin-simulator.js"), .embedInCode("Web/Assets/admin-calls.js"),
                .embedInCode("Web/Assets/admin-voicemail.js"),
                .embedInCode("Web/Assets/admin-home.js"), .embedInCode("Web/Assets/admin-schedules.js"),
            ],
            swiftSettings: swiftSettings
        ),
        // The tiny executable: command-line parsing, then buildApplication(...).
        .executableTarget(
            name: "scaidial",
            dependencies: [
                "ScaiDial",
                "Dialplan",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The fake LiveKit server as a process (browser tests run it next to the real binary).
        .executableTarget(name: "livekit-fake", dependencies: ["LiveKit", "LiveKitFake"], swiftSettings: swiftSettings),
        // The benchmark command: swift run -c release scaidial-bench
        .executableTarget(
            name: "scaidial-bench",
            dependencies: ["Dialplan", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DialplanTests", dependencies: ["Dialplan"], swiftSettings: swiftSettings),
        // Real SIP servers for the tests: Kamailio and SIPp, started and stopped by the tests.
        .target(name: "SIPTestSupport", path: "Tests/SIPTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "SIPRegistrationTests",
            dependencies: ["SIPRegistration", "SIPTestSupport", .product(name: "NIOSSL", package: "swift-nio-ssl")], exclude: ["Scenarios"],
            swiftSettings: swiftSettings),
        .testTarget(name: "LiveKitTests", dependencies: ["LiveKit", "LiveKitFake"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ScaiDialTests",
            dependencies: [
                "ScaiDial",
                "LiveKitFake",
                "SIPTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
