/// What the command line asked for, as given: the one value the argument parser's result is
/// turned into. The launch rules (``LaunchPlan``), the settings (``Settings``) and the run's
/// wiring read it; nothing reads the parser's own type after that.
public struct CommandLineArguments: Sendable, Equatable {
    /// The words of `MESSAGE`.
    public var message: [String] = []
    public var model: String?
    /// `-s TEXT`.
    public var system: String?
    public var systemFile: String?
    public var config: String?
    public var baseURL: String?
    public var noStream = false
    public var offline = false
    public var temperature: Double?
    public var maxTokens: Int?
    public var json = false
    public var stdin: StdinMode = .system
    /// `--image PROMPT`.
    public var image: String?
    /// `--session NAME`.
    public var session: String?
    public var raw = false
    public var debug = false
    /// `-f PATH|URL`, in order.
    public var files: [String] = []
    public var role: String?
    /// `-e TASK`.
    public var execute: String?
    /// `--reasoning`: `.some(nil)` is `default` (no field sent).
    public var reasoning: ReasoningSetting??
    public var web = false
    /// `--schema JSON|@FILE`, as given.
    public var schema: String?
    /// `-y`: approve every tool call of this run.
    public var yes = false
    public var noTools = false
    /// `--sessions [QUERY]` (the query is `message`).
    public var listSessions = false
    public var deleteSession: String?
    /// `--models [FILTER]` (the filter is `message`).
    public var listModels = false
    public var keyInfo = false
    /// `--continue`.
    public var continueLast = false
    public var allowInsecureHTTP = false

    public init() {}

    /// The role this run starts with: `--role NAME`, or the `shell` role of `-e`.
    public var roleName: String? {
        role ?? (execute != nil ? "shell" : nil)
    }
}
