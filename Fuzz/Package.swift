// swift-tools-version:6.1
// The libFuzzer harness, kept apart so the main package never links the fuzzer runtime.
// Build and run with `make fuzz` from the repository root.
import PackageDescription

let package = Package(
    name: "SwitchboardFuzz",
    dependencies: [.package(name: "Switchboard", path: "..")],
    targets: [
        .executableTarget(
            name: "SwitchboardFuzz",
            dependencies: [
                .product(name: "SIPMessage", package: "Switchboard"),
                .product(name: "SDP", package: "Switchboard"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
