// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SIPMessage", targets: ["SIPMessage"]),
        .library(name: "SDP", targets: ["SDP"]),
        .library(name: "SIPTransport", targets: ["SIPTransport"]),
        .library(name: "SIPTransaction", targets: ["SIPTransaction"]),
        .library(name: "Media", targets: ["Media"]),
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        /// SIP syntax: message model, URIs, typed headers, parser, serializer (RFC 3261 §7, §19, §20, §25).
        .target(name: "SIPMessage"),
        /// Session descriptions (RFC 8866) and offer/answer (RFC 3264).
        .target(name: "SDP"),
        /// UDP/TCP listeners and connections on SwiftNIO, stream framing, response routing
        /// (RFC 3261 §18, RFC 3581), stateless salvage of unparsable requests.
        .target(
            name: "SIPTransport",
            dependencies: [
                "SIPMessage",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The application: wires transport, transactions and the transaction user together.
        .target(
            name: "Switchboard",
            dependencies: [
                "SIPMessage",
                "SDP",
                "SIPTransport",
                "SIPTransaction",
                "SIPCore",
                "Media",
                "Flows",
                "Voicemail",
                "Storage",
                "WebDirectory",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        /// The four transaction state machines (RFC 3261 §17, RFC 6026), matching, timers; sans-IO.
        .target(name: "SIPTransaction", dependencies: ["SIPMessage"]),
        /// The transaction user's building blocks, sans-IO: dialogs (RFC 3261 §12), registrar and
        /// location service (§10), digest authentication (RFC 8760, RFC 7616), session timers (RFC 4028).
        .target(
            name: "SIPCore",
            dependencies: [
                "SIPMessage",
                "SIPTransaction",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        /// The admin's configuration: flow documents and the directory; loader (line:col errors),
        /// checker, interpreter (driving a `CallSession`), simulator, flow tests, diagrams.
        .target(name: "Flows", dependencies: [.product(name: "Yams", package: "Yams")]),
        /// libsndfile (Debian `libsndfile1-dev`): prompt decoding and WAV recording.
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        /// libsoxr (Debian `libsoxr-dev`): resampling prompts to 8 and 16 kHz.
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        /// spandsp (Debian `libspandsp-dev`): the G.722 codec.
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp", providers: [.apt(["libspandsp-dev"])]),
        /// liburing (Debian `liburing-dev`): io_uring for the media loops' sends.
        .systemLibrary(name: "CURing", pkgConfig: "liburing", providers: [.apt(["liburing-dev"])]),
        /// sendmmsg(2) and an io_uring send ring for the media port's batched sends.
        .target(
            name: "CMediaSocket",
            dependencies: [.target(name: "CURing", condition: .when(platforms: [.linux]))],
            linkerSettings: [.linkedLibrary("uring", .when(platforms: [.linux]))]
        ),
        /// Media: RTP/RTCP (RFC 3550), G.711/G.722, RFC 4733 and in-band DTMF, prompts,
        /// the media clock and player, recorder, relay.
        .target(
            name: "Media",
            dependencies: [
                "SDP", "CSndFile", "CSoxr", "CSpanDSP", "CMediaSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        /// The command-line tool: `bench`, `sip-check`; later `serve`, `check`, `simulate`, `graph`, `mailbox`.
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SIPMessage",
                "SDP",
                "Switchboard",
                "Flows",
                "Media",
                "Storage",
                "Voicemail",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "WebDirectory",
            ]
        ),
        /// Helpers shared by the test targets (a seeded generator for mutation tests).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(
            name: "SIPMessageTests",
            dependencies: ["SIPMessage", "TestSupport"]
        ),
        .testTarget(name: "SDPTests", dependencies: ["SDP", "TestSupport"]),
        .testTarget(name: "SIPTransportTests", dependencies: ["SIPTransport", "TestSupport"]),
        .testTarget(name: "SwitchboardTests", dependencies: ["Switchboard", "SIPTransport", "SIPTransaction", "SIPCore", "TestSupport",
                                                             "WebDirectory", "Media", "Storage", "Voicemail",
                                                             .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                             .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
                    resources: [.copy("Scenarios")]),
        .testTarget(name: "SIPTransactionTests", dependencies: ["SIPTransaction", "TestSupport"]),
        .testTarget(name: "FlowsTests", dependencies: ["Flows", "TestSupport"]),
        .testTarget(name: "SIPCoreTests", dependencies: ["SIPCore", "SIPMessage", "SIPTransaction", "TestSupport"]),
        .testTarget(
            name: "MediaTests",
            dependencies: [
                "Media", "SDP", "TestSupport", "CSpanDSP", "CSndFile",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        /// Voicemail: mailboxes, messages, folders, PINs (salted scrypt hashes, lock-out), MWI
        /// counts, behind the `VoicemailStore` protocol; no database here.
        .target(
            name: "Voicemail",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        /// The one place that knows the database: SQLite (GRDB) `VoicemailStore` and `LocationStore`.
        .target(
            name: "Storage",
            dependencies: [
                "SIPCore", "SIPMessage", "SIPTransaction", "Voicemail",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "VoicemailTests", dependencies: ["Voicemail", "TestSupport", "Media"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Voicemail", "SIPCore", "SIPMessage", "SIPTransaction",
                                                         "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        /// The HTTP side: directory pages, flow diagrams, health and metrics, the 380/300
        /// alternative-service responses; live facts come through `DirectoryLiveState`.
        .target(
            name: "WebDirectory",
            dependencies: [
                "Flows",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "WebDirectoryTests",
            dependencies: [
                "WebDirectory", "Flows",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
