// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SIPMessage", targets: ["SIPMessage"]),
        .library(name: "SDP", targets: ["SDP"]),
        .library(name: "Media", targets: ["Media"]),
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        /// SIP syntax: message model, URIs, typed headers, parser, serializer (RFC 3261 §7, §19, §20, §25).
        .target(name: "SIPMessage"),
        /// Session descriptions (RFC 8866) and offer/answer (RFC 3264).
        .target(name: "SDP"),
        /// libsndfile (Debian `libsndfile1-dev`): prompt decoding and WAV recording.
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile", providers: [.apt(["libsndfile1-dev"])]),
        /// libsoxr (Debian `libsoxr-dev`): resampling prompts to 8 and 16 kHz.
        .systemLibrary(name: "CSoxr", pkgConfig: "soxr", providers: [.apt(["libsoxr-dev"])]),
        /// spandsp (Debian `libspandsp-dev`): the G.722 codec.
        .systemLibrary(name: "CSpanDSP", pkgConfig: "spandsp", providers: [.apt(["libspandsp-dev"])]),
        /// sendmmsg(2) for the media port's batched sends.
        .target(name: "CMediaSocket"),
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
                "Media",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
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
        .testTarget(
            name: "MediaTests",
            dependencies: [
                "Media", "SDP", "TestSupport", "CSpanDSP", "CSndFile",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
