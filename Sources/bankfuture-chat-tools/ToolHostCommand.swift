import ChatCore
import ChatToolHost
import ChatTools
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `bankfuture-chat-tools`: the tool host. bankfuture-chat starts it when MCP servers are
/// configured and tools are on, and speaks to it in JSON lines on its stdin and stdout (see
/// ``ToolHostRequest``); it runs the servers through ``MCPToolProvider``. Its stderr is the
/// chat's `tool-host.log`. When its stdin ends — the chat is gone — it stops every server
/// and exits.
@main
enum ToolHostCommand {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        if arguments.contains("--help") || arguments.contains("-h") {
            print(
                "bankfuture-chat-tools: the tool host of bankfuture-chat, which starts it to run the MCP servers "
                    + "of its config (mcp_servers); it is not meant to be run by hand.")
            return
        }
        guard arguments.isEmpty else {
            HostLog.write("unknown argument \(arguments.first!); see --help")
            exit(2)
        }
        // A write to a server (or a chat) that is gone must fail with EPIPE, not end the host.
        signal(SIGPIPE, SIG_IGN)
        // The answers get a descriptor of their own; whatever a library prints to stdout
        // goes to stderr, the log, instead of into the answers.
        let answers = fcntl(1, F_DUPFD_CLOEXEC, 3)
        dup2(2, 1)
        // The chat's environment, which started the host: the servers' too.
        let environment = ProcessInfo.processInfo.environment
        let status = await ToolHostServer.serve(input: 0, output: answers) { start in
            MCPToolProvider(
                servers: start.servers, logDirectory: start.logDirectory, callTimeout: start.callTimeout, environment: environment,
                clientVersion: start.clientVersion)
        }
        exit(status)
    }
}
