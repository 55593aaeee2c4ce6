import ChatCore
import ChatOpenRouter
import ChatTerminal

#if canImport(Glibc)
import Glibc
#endif

/// One-shot output: the answer on stdout as it arrives and nothing else there; the usage
/// line, retries and errors on stderr.
final class OneShotRenderer: ChatRenderer {
    private let dim: Bool
    private var endedWithNewline = true
    private var wroteText = false

    init(dim: Bool) { self.dim = dim }

    func beginAnswer() {}

    func answerText(_ text: String) {
        Output.stdout(text)
        wroteText = true
        endedWithNewline = text.hasSuffix("\n")
    }

    func reasoningText(_ text: String) {}

    func endAnswer(_ response: ChatResponse, interrupted: Bool) {
        if wroteText && !endedWithNewline { Output.stdout("\n") }
        if !interrupted { Output.stderr(style(UsageLine.text(response)) + "\n") }
    }

    func retrying(_ notice: RetryNotice) {
        Output.stderr(style("\(notice.reason), retrying in \(UsageLine.seconds(notice.delaySeconds)) s…") + "\n")
    }

    func output(_ text: String) { Output.stdout(text) }
    func notice(_ text: String) { Output.stderr(style(text) + "\n") }
    func error(_ text: String) { Output.error(text) }

    private func style(_ text: String) -> String { dim ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
}

/// Collects nothing on the terminal: for `--json`, where only the final object is printed.
final class SilentRenderer: ChatRenderer {
    func beginAnswer() {}
    func answerText(_ text: String) {}
    func reasoningText(_ text: String) {}
    func endAnswer(_ response: ChatResponse, interrupted: Bool) {}
    func retrying(_ notice: RetryNotice) {
        Output.stderr("\(notice.reason), retrying in \(UsageLine.seconds(notice.delaySeconds)) s…\n")
    }
    func output(_ text: String) {}
    func notice(_ text: String) { Output.stderr(text + "\n") }
    func error(_ text: String) { Output.error(text) }
}

/// The one-line usage summary: `[model · 12 in / 34 out tokens · $0.000123]`.
enum UsageLine {
    static func text(_ response: ChatResponse) -> String {
        var parts: [String] = []
        if let model = response.model { parts.append(model) }
        if let usage = response.usage {
            parts.append("\(usage.promptTokens) in / \(usage.completionTokens) out tokens")
            if let cost = usage.cost { parts.append("$" + ModelTable.formatCost(cost)) }
        }
        return "[" + parts.joined(separator: " · ") + "]"
    }

    static func seconds(_ s: Double) -> String {
        s >= 10 || s == s.rounded() ? String(Int(s.rounded())) : String(Double(Int(s * 10)) / 10)
    }
}

@MainActor
enum OneShot {
    /// Sends one message and prints the answer. Returns the exit code.
    static func run(_ launch: Launch, message: String) async -> Int32 {
        let session = launch.session
        let request = session.request(sending: message, stream: launch.settings.stream)
        let renderer: any ChatRenderer = launch.options.json ? SilentRenderer() : OneShotRenderer(dim: launch.useColor(fd: 2))
        let outcome = await ChatTurn.run(request, transport: launch.transport, renderer: renderer, waitForInterrupt: { _ = await InterruptMonitor.waitForInterrupt() })
        if let error = outcome.error {
            if error == .cancelled {
                Output.stderr("\ninterrupted\n")
            } else {
                Output.error(launch.describe(error))
            }
            return error.exitCode
        }
        if launch.options.json {
            Output.stdout(outcome.response.jsonObject(requestedModel: request.model) + "\n")
        }
        if let path = launch.sessionPath {
            var updated = session
            updated.recordSuccess(user: message, answer: outcome.response.content, usage: outcome.response.usage)
            do { try SessionArchive(updated).save(to: path) } catch { Output.error("could not save the session: \(error.message)") }
        }
        return 0
    }
}
