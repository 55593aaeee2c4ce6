import Foundation

/// The real programs some tests run, and the one place that knows where they are: the
/// official `mcp-server-time` (PyPI) in the virtual environment `.ci/install-deps` makes
/// (`.build/mcp-venv`), its Python (which has the `mcp` package), a Python 3 for scripts
/// without dependencies, tmux, and the executables `swift build` makes.
///
/// A test that needs one asks for it with a throwing accessor: when the part is missing the
/// test FAILS with ``MissingPart``, which says how to install it. It never skips: a CI run
/// without the venv must fail, not pass with the tool tests quietly left out.
public enum RealParts {
    /// The package root, from this file's place in `Tests/TestSupport/`.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The virtual environment `.ci/install-deps` makes.
    public static let venv = packageRoot + "/.build/mcp-venv"

    /// The official `mcp-server-time`, installed from PyPI into ``venv``.
    public static func timeServer() throws -> String {
        try executable(venv + "/bin/mcp-server-time", what: "mcp-server-time (the official MCP time server, from PyPI)")
    }

    /// The venv's `python3`, which has the `mcp` package the small MCP servers of the tests are
    /// written on.
    public static func venvPython() throws -> String {
        try executable(venv + "/bin/python3", what: "the MCP venv's python3 (with the mcp package)")
    }

    /// A Python 3 for scripts without dependencies: the venv's, else the system's.
    public static func python() throws -> String {
        let candidates = [venv + "/bin/python3", "/usr/bin/python3", "/usr/local/bin/python3"]
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw MissingPart("python3 (looked in \(candidates.joined(separator: ", ")))", installReason: nil)
        }
        return found
    }

    /// tmux, for tests that drive a real terminal multiplexer.
    public static func tmux() throws -> String {
        let candidates = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        guard let found = candidates.first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw MissingPart("tmux (looked in \(candidates.joined(separator: ", ")))", installReason: nil)
        }
        return found
    }

    /// Where `swift build` put the executables: `BANKFUTURE_CHAT_BIN_DIR` when set, else the
    /// nearest folder above the test binary that holds `bankfuture-chat` (the test runner may
    /// sit inside an `.xctest` bundle).
    public static let binaryDirectory: String = {
        if let directory = ProcessInfo.processInfo.environment["BANKFUTURE_CHAT_BIN_DIR"] { return directory }
        let start = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: start).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("bankfuture-chat").path), url.path != "/" {
            url = url.deletingLastPathComponent()
        }
        return url.path
    }()

    /// The built executable `name` (`bankfuture-chat`, `bankfuture-chat-tools`, `fake-openrouter`).
    public static func builtProgram(_ name: String) throws -> String {
        let path = binaryDirectory + "/" + name
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MissingPart.notBuilt(path)
        }
        return path
    }

    private static func executable(_ path: String, what: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            let said = (try? String(contentsOfFile: venv + "/UNAVAILABLE", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw MissingPart("\(what) at \(path)", installReason: said.flatMap { $0.isEmpty ? nil : $0 })
        }
        return path
    }
}

/// A real part a test needs is not installed: the test fails with this message.
public struct MissingPart: Error, CustomStringConvertible {
    /// One line: what is missing, what the last install said, and how to install it.
    public let description: String

    init(_ what: String, installReason: String?) {
        description =
            "missing \(what); install it with ./.ci/install-deps (or make deps)"
            + (installReason.map { "; the last install said: \($0)" } ?? "")
    }

    private init(description: String) {
        self.description = description
    }

    static func notBuilt(_ path: String) -> MissingPart {
        MissingPart(description: "missing \(path); build it with swift build --build-tests (make test does)")
    }
}
