// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SIPMessage", targets: ["SIPMessage"]),
        .library(name: "SDP", targets: ["SDP"]),
        .library(name: "SIPTransaction", targets: ["SIPTransaction"]),
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        /// SIP syntax: message model, URIs, typed headers, parser, serializer (RFC 3261 §7, §19, §20, §25).
        .target(name: "SIPMessage"),
        /// Session descriptions (RFC 8866) and offer/answer (RFC 3264).
        .target(name: "SDP"),
        /// The four transaction state machines (RFC 3261 §17, RFC 6026), matching, timers; sans-IO.
        .target(name: "SIPTransaction", dependencies: ["SIPMessage"]),
        /// The command-line tool: `bench`, `sip-check`; later `serve`, `check`, `simulate`, `graph`, `mailbox`.
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SIPMessage",
                "SDP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        /// Helpers shared by the test targets (a seeded generator for mutation tests).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "SIPMessageTests",
            dependencies: ["SIPMessage", "TestSupport"]
        ),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "TestSupport"]),
        .testTarget(name: "SIPTransactionTests", dependencies: ["SIPTransaction", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
