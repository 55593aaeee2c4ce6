import ChatCore
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The tool list cache (``ToolListCache``) as a file, `mcp/tools.json` in the state folder
/// (0600, written whole and atomically). Read once, when first asked; a file that cannot be
/// read is an empty cache (the servers are then waited for as on a first run).
public final class ToolListCacheFile: ToolListCache {
    private struct File: Codable {
        struct Tool: Codable {
            var server: String
            var name: String
            var description: String
            var input_schema: String
        }
        var servers: [String: [Tool]]
    }

    public let path: String
    private let entries: Mutex<[String: [ToolSpec]]?> = Mutex(nil)

    /// The largest cache file read.
    static let maxBytes = 8 * 1024 * 1024

    public init(path: String) {
        self.path = path
    }

    public func tools(for key: String) -> [ToolSpec]? {
        entries.withLock { entries in
            if entries == nil { entries = Self.read(path) }
            return entries?[key]
        }
    }

    public func keep(_ tools: [ToolSpec], for key: String) {
        let snapshot = entries.withLock { entries -> [String: [ToolSpec]]? in
            if entries == nil { entries = Self.read(path) }
            guard entries?[key] != tools else { return nil }
            entries?[key] = tools
            return entries
        }
        guard let snapshot else { return }
        let file = File(
            servers: snapshot.mapValues { tools in
                tools.map { .init(server: $0.server, name: $0.name, description: $0.description, input_schema: $0.inputSchema.text) }
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(file) else { return }
        try? PrivateFile.write(Array(data), to: path)
    }

    private static func read(_ path: String) -> [String: [ToolSpec]] {
        guard let bytes = try? FileBytes.contents(of: path, maxBytes: maxBytes),
            let file = try? JSONDecoder().decode(File.self, from: Data(bytes))
        else { return [:] }
        return file.servers.mapValues { tools in
            tools.compactMap { tool in
                RawJSON(validating: tool.input_schema).map {
                    ToolSpec(server: tool.server, name: tool.name, description: tool.description, inputSchema: $0)
                }
            }
        }
    }
}
