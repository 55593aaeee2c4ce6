// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "bankfuture-chat",
    products: [
        .executable(name: "bankfuture-chat", targets: ["bankfuture-chat"]),
        .executable(name: "bankfuture-chat-tools", targets: ["bankfuture-chat-tools"]),
        .executable(name: "fake-openrouter", targets: ["fake-openrouter"]),
        .library(name: "ChatCore", targets: ["ChatCore"]),
        // For the benchmark package (the session index).
        .library(name: "ChatStorage", targets: ["ChatStorage"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // Pure Swift: session, config, wire types, SSE parser, chat loop. No NIO, no C.
        .target(name: "ChatCore", swiftSettings: swiftSettings),
        // The HTTP transport on AsyncHTTPClient.
        .target(
            name: "ChatOpenRouter",
            dependencies: [
                "ChatCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Storage: line history, session files and their search index, caches, attachments and images on disk.
        .target(name: "ChatStorage", dependencies: ["ChatCore", "CSQLite"], swiftSettings: swiftSettings),
        // The system's SQLite (with FTS5), reached through pkg-config: the session index.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Processes and threads without Foundation: the one spawner of every child, children on
        // pipes watched and reaped, the thread wrapper, the PATH lookup, line framing, a writer
        // thread, private logs.
        .target(name: "ChatProcess", dependencies: ["CSpawnShim"], swiftSettings: swiftSettings),
        // The MCP servers' tools (the ToolProvider port) on the official SDK: child processes
        // on pipes and streamable HTTP. Linked only into the tool host, never into the chat.
        .target(
            name: "ChatTools",
            dependencies: [
                "ChatCore", "ChatProcess",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The tool host: the wire between the chat and `bankfuture-chat-tools`, the client the
        // chat uses (a ToolProvider), and the serving loop of the host. No Foundation.
        .target(name: "ChatToolHost", dependencies: ["ChatCore", "ChatProcess"], swiftSettings: swiftSettings),
        // The tool host process: MCPToolProvider served over stdin/stdout. The MCP SDK (and
        // with it Foundation and libcurl) lives here, started only when tools are on.
        .executableTarget(
            name: "bankfuture-chat-tools",
            dependencies: ["ChatCore", "ChatTools", "ChatToolHost", "ChatProcess"],
            swiftSettings: swiftSettings
        ),
        // pipe2 and posix_spawn_file_actions_addclosefrom_np, which need _GNU_SOURCE, and the
        // signal set-up of every child (the MCP servers, the tool host, the -e command, the editor).
        .target(name: "CSpawnShim"),
        // libedit, reached through pkg-config.
        .systemLibrary(
            name: "CEditLine",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // How the chat's process is set up first thing in main: one malloc arena (glibc's mallopt).
        .target(name: "CProcessTuning"),
        // The C helpers around libedit: signal handlers, setters for its globals, variadic calls.
        .target(name: "CEditLineShim", dependencies: ["CEditLine"]),
        // Terminal side: libedit line reader, plain reader, ANSI renderer, signals.
        .target(
            name: "ChatTerminal", dependencies: ["ChatCore", "ChatProcess", "CEditLine", "CEditLineShim"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "bankfuture-chat",
            dependencies: [
                "ChatCore", "ChatOpenRouter", "ChatTerminal", "ChatStorage", "ChatToolHost", "CProcessTuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // In-process fake of OpenRouter for tests, benchmarks and demos.
        .target(
            name: "FakeOpenRouter",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "fake-openrouter",
            dependencies: ["FakeOpenRouter", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        // Helpers shared by test targets: a pseudo-terminal driver (forkpty), process runner, seeded RNG,
        // waiting for events, and where the real parts (the MCP venv, tmux, the built programs) are.
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        // The helpers' own tests: a helper that is wrong makes every test that uses it wrong.
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "FakeOpenRouterTests", dependencies: ["FakeOpenRouter", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore", "ChatStorage", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "ChatStorageTests", dependencies: ["ChatCore", "ChatStorage"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ChatOpenRouterTests",
            dependencies: ["ChatCore", "ChatOpenRouter", "ChatStorage", "FakeOpenRouter", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatTerminalTests",
            dependencies: ["ChatCore", "ChatTerminal", "ChatStorage", "FakeOpenRouter", "ChatOpenRouter", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatToolsTests",
            dependencies: [
                "ChatCore", "ChatTools", "ChatProcess", "TestSupport",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChatToolHostTests",
            dependencies: ["ChatCore", "ChatToolHost", "ChatProcess", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["FakeOpenRouter", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
