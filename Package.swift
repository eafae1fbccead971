// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SIPMessage", targets: ["SIPMessage"]),
        .library(name: "SDP", targets: ["SDP"]),
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        /// SIP syntax: message model, URIs, typed headers, parser, serializer (RFC 3261 §7, §19, §20, §25).
        .target(name: "SIPMessage"),
        /// Session descriptions (RFC 8866) and offer/answer (RFC 3264).
        .target(name: "SDP"),
        /// The admin's configuration: flow documents and the directory; loader (line:col errors),
        /// checker, interpreter (driving a `CallSession`), simulator, flow tests, diagrams.
        .target(name: "Flows", dependencies: [.product(name: "Yams", package: "Yams")]),
        /// The command-line tool: `bench`, `sip-check`; later `serve`, `check`, `simulate`, `graph`, `mailbox`.
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SIPMessage",
                "SDP",
                "Flows",
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
        .testTarget(name: "FlowsTests", dependencies: ["Flows"]),
    ],
    swiftLanguageModes: [.v6]
)
