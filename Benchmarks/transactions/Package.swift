// swift-tools-version:6.1
// A benchmark of the transaction layer alone, kept apart from the main package.
// Run from this directory: `swift run -c release TransactionBench [count] [warm-up]`.
import PackageDescription

let package = Package(
    name: "TransactionBench",
    dependencies: [.package(name: "Switchboard", path: "../..")],
    targets: [
        .executableTarget(
            name: "TransactionBench",
            dependencies: [
                .product(name: "SIPMessage", package: "Switchboard"),
                .product(name: "SIPTransaction", package: "Switchboard"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
