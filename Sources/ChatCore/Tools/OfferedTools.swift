/// The tools offered to the model for one turn, each under a function name of its own.
///
/// A tool is offered as `SERVER__TOOL` (``ToolNames/functionName(server:tool:)``), but that
/// name can be shared: server `a` with tool `b__c` and server `a__b` with tool `c` are both
/// `a__b__c`, and the cut to 64 characters and the `_` for other characters merge names too.
/// Tools whose names clash get `_` and eight hex digits of a hash of their (server, tool)
/// pair instead, so each keeps its name from turn to turn whatever else is offered; calls
/// are routed by these names, and `/tools` lists which is which.
public struct OfferedTools: Sendable {
    /// One offered tool.
    public struct Entry: Sendable, Equatable {
        /// The name the model sees and calls.
        public let functionName: String
        public let spec: ToolSpec
        /// Whether the name differs from `SERVER__TOOL` because another tool had that name.
        public let renamed: Bool
    }

    /// Every tool, in the order given.
    public let entries: [Entry]

    /// `specs` (the servers' tools, in the config's order) under unique names.
    public init(_ specs: [ToolSpec]) {
        let plain = specs.map { ToolNames.functionName(server: $0.server, tool: $0.name) }
        var uses: [String: Int] = [:]
        for name in plain { uses[name, default: 0] += 1 }
        var taken = Set(plain.filter { uses[$0] == 1 })
        var entries: [Entry] = []
        for (spec, name) in zip(specs, plain) {
            guard uses[name, default: 0] > 1 else {
                entries.append(Entry(functionName: name, spec: spec, renamed: false))
                continue
            }
            var unique = Self.suffixed(name, Self.hash(spec))
            // A server that lists one tool twice (or a hash that clashes): count on.
            var number = 2
            while taken.contains(unique) {
                unique = Self.suffixed(name, Self.hash(spec) + "_\(number)")
                number += 1
            }
            taken.insert(unique)
            entries.append(Entry(functionName: unique, spec: spec, renamed: true))
        }
        self.entries = entries
    }

    /// The definitions sent in `tools`.
    public var definitions: [ToolDefinition] {
        entries.map { ToolDefinition(name: $0.functionName, description: $0.spec.description, parameters: $0.spec.inputSchema) }
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The tool the model called by `functionName`, nil when none is offered under it.
    public func tool(named functionName: String) -> ToolSpec? {
        entries.first { $0.functionName == functionName }?.spec
    }

    /// `name` cut so that `_SUFFIX` fits in 64 characters, then `_SUFFIX`.
    private static func suffixed(_ name: String, _ suffix: String) -> String {
        String(name.prefix(64 - 1 - suffix.count)) + "_" + suffix
    }

    /// Eight hex digits of FNV-1a over the pair: stable across runs (Swift's `Hasher` is
    /// seeded anew in each process).
    private static func hash(_ spec: ToolSpec) -> String {
        var hash: UInt32 = 0x811C_9DC5
        for byte in spec.server.utf8 + [0] + spec.name.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
