// swift-tools-version:6.1
import PackageDescription

// Examples of the AIYou library, built against the package in the parent folder:
// `QuickStart` (the README's first example, from top-level and main-actor code) and
// `ChatService` (a Hummingbird service with Prometheus metrics and in-memory spans).
let package = Package(
    name: "AIYouExamples",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "AIYou", path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "QuickStart",
            dependencies: [
                .product(name: "AIYou", package: "AIYou"),
                .product(name: "AIYouMockServer", package: "AIYou"),
            ]
        ),
        .target(
            name: "ChatServiceApp",
            dependencies: [
                .product(name: "AIYou", package: "AIYou"),
                .product(name: "AIYouMockServer", package: "AIYou"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "ChatService",
            dependencies: [
                "ChatServiceApp",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "ChatServiceAppTests",
            dependencies: [
                "ChatServiceApp",
                .product(name: "AIYou", package: "AIYou"),
                .product(name: "AIYouMockServer", package: "AIYou"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
