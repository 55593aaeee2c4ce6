/// `/tools` and `/mcp`: what the model may call, and how the servers are doing.
@MainActor
struct ToolCommands {
    let state: REPLState

    func handle(_ command: SlashCommand) async {
        let renderer = state.renderer
        guard let tools = state.services.tools else {
            renderer.notice("no tools are offered (configure mcp_servers; tools: false or --no-tools turns them off)")
            return
        }
        switch command {
        case .tools:
            let (specs, notices) = await tools.tools(waitingUpTo: .zero)
            for notice in notices { renderer.notice(notice) }
            if specs.isEmpty {
                renderer.output("no tools yet (see /mcp)\n")
                return
            }
            let offered = OfferedTools(specs)
            var out = ""
            for server in Array(Set(specs.map(\.server))).sorted() {
                out += "\(ApprovalText.serverName(server)):\n"
                for entry in offered.entries where entry.spec.server == server {
                    let description = TextLines.split(entry.spec.description).first { !$0.isEmpty }.map(String.init) ?? ""
                    out += "  " + ShownCall.heading(of: entry.spec).padding(32) + ApprovalText.shown(description) + "\n"
                }
            }
            let renamed = offered.entries.filter(\.renamed)
            if !renamed.isEmpty {
                out += "offered under names of their own (their SERVER__TOOL names were the same):\n"
                for entry in renamed {
                    out += "  " + entry.functionName + " is " + ShownCall.heading(of: entry.spec) + "\n"
                }
            }
            renderer.output(out)
        case .mcp(restart: nil):
            let lines = await tools.states().map { server, state -> String in
                let shown: String
                switch state {
                case .starting: shown = "starting"
                case .ready(let count): shown = "ready, \(count) tool\(count == 1 ? "" : "s")"
                case .failed(let reason): shown = "failed: \(reason)"
                }
                return server.padding(16) + shown
            }
            renderer.output(lines.isEmpty ? "no MCP servers configured\n" : lines.joined(separator: "\n") + "\n")
        case .mcp(restart: let name?):
            renderer.notice("restarting \(name)…")
            if await tools.restart(name) {
                renderer.notice("\(name) restarted (see /mcp)")
            } else {
                renderer.error("no MCP server named \(name) (see /mcp)")
            }
        default:
            break
        }
    }
}
