import ChatCore
import Foundation
import TestSupport
import Testing

@testable import ChatToolHost

/// What makes a server the same one as last time, for the tool list cache.
@Suite struct ToolServerIdentityTests {
    @Test func theSameServerHasTheSameKeyAndANewScriptOrConfigAnother() throws {
        let folder = try TemporaryDirectory(prefix: "identity")
        defer { folder.remove() }
        let script = folder.path + "/server.py"
        try Data("print(1)\n".utf8).write(to: URL(fileURLWithPath: script))
        let server = ToolServerConfig(
            name: "s", connection: .stdio(command: "python3", arguments: [script, "--gate", folder.path + "/g"], environment: [:]))
        let key = ToolServerIdentity.key(of: server, searchPath: "/usr/bin:/bin")
        #expect(key == ToolServerIdentity.key(of: server, searchPath: "/usr/bin:/bin"))
        #expect(key.hasPrefix("s-"))
        // A file another argument names may come and go: the same server.
        FileManager.default.createFile(atPath: folder.path + "/g", contents: Data())
        #expect(key == ToolServerIdentity.key(of: server, searchPath: "/usr/bin:/bin"))
        // A new version of the script: another server.
        try Data("print(2)\n  \n".utf8).write(to: URL(fileURLWithPath: script))
        #expect(key != ToolServerIdentity.key(of: server, searchPath: "/usr/bin:/bin"))
        var other = server
        other.connection = .stdio(command: "python3", arguments: [script], environment: ["X": "1"])
        #expect(
            ToolServerIdentity.key(of: other, searchPath: "/usr/bin:/bin")
                != ToolServerIdentity.key(of: server, searchPath: "/usr/bin:/bin"))
        #expect(
            ToolServerIdentity.key(of: .init(name: "h", connection: .http(url: "http://127.0.0.1:1/mcp")), searchPath: "")
                != ToolServerIdentity.key(of: .init(name: "h", connection: .http(url: "http://127.0.0.1:2/mcp")), searchPath: ""))
    }
}
