// swift-tools-version:6.2
import PackageDescription

// Benchmarks for bankfuture-chat, kept out of the root package so `make test` neither builds
// nor times them. `make bench` (Benchmarks/run.sh) builds this package in release mode.
let package = Package(
    name: "bankfuture-chat-benchmarks",
    dependencies: [
        // Named explicitly: a path dependency's identity is otherwise its folder name,
        // which differs between clones (main, wt-bench, ...).
        .package(name: "bankfuture-chat", path: ".."),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Clocks, the median and the output lines the benchmark executables share.
        .target(name: "BenchSupport", swiftSettings: [.swiftLanguageMode(.v6)]),
        // Micro-benchmarks of ChatCore: SSE parser, stream-chunk decoder, request encoding.
        .executableTarget(
            name: "bench-micro",
            dependencies: ["BenchSupport", .product(name: "ChatCore", package: "bankfuture-chat")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The session index (`--sessions QUERY`): first build and searches over 100 to 10,000
        // saved conversations, and the index update after an autosave.
        .executableTarget(
            name: "bench-sessions",
            dependencies: [
                "BenchSupport", .product(name: "ChatCore", package: "bankfuture-chat"),
                .product(name: "ChatStorage", package: "bankfuture-chat"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // A minimal HTTP server on 127.0.0.1 that answers every POST with one pre-rendered
        // SSE stream (the 20 MB answer), so the server is not what the stream benchmark measures.
        .executableTarget(
            name: "sse-server",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The client's own cost per tool round: a hand-written MCP stdio server that logs the
        // tool's own time, and a raw-socket HTTP server that answers with tool calls and
        // times the gap between a tool-call answer and the next request.
        .executableTarget(
            name: "bench-tools",
            dependencies: ["BenchSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The HTTP stack's own cost on the 20 MB stream: the body read and counted, nothing else.
        .executableTarget(
            name: "bench-http-floor",
            dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
