/// The tool lists servers gave last time, kept between runs, keyed by what makes a server
/// the same one (its config and its executable's identity, ``ToolServerIdentity``): a chat
/// offers them at once while the servers start, instead of waiting for every server before
/// its first request.
public protocol ToolListCache: Sendable {
    /// The tools kept under `key`, nil when there are none.
    func tools(for key: String) -> [ToolSpec]?
    /// Keeps `tools` under `key` (best effort: a cache that cannot be written is not an error).
    func keep(_ tools: [ToolSpec], for key: String)
}
