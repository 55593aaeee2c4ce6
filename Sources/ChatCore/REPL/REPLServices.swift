/// Everything the REPL reaches outside itself, given at `init`: nothing is set afterwards.
public struct REPLServices {
    public var transport: any ChatTransport
    public var reader: any LineReader
    public var renderer: any ChatRenderer
    public var models: CachedModelCatalog
    /// Autosave and the files of `/save`, `/load`, `/export`; nil keeps nothing on disk.
    public var conversations: (any ConversationStore)?
    /// What `/file` reads; nil when attachments are not available.
    public var attachments: (any AttachmentSource)?
    public var images: (any ImageService)?
    /// The editor and the clipboard; nil without a terminal.
    public var terminal: (any TerminalServices)?
    /// The MCP servers' tools; nil when none are offered.
    public var tools: (any ToolProvider)?
    /// Asks about tool calls on the terminal; nil without one (calls not approved otherwise are declined).
    public var approver: (any ToolApprover)?
    /// Roles for `/role`.
    public var roles: (any RoleSource)?
    /// Saved conversations for `/sessions`.
    public var sessions: (any SessionCatalog)?
    /// The terminal for `/exec`; nil without one.
    public var shell: (any ShellServices)?
    /// `auto_approve_tools` (with `*` for `-y/--yes`).
    public var autoApprove: [String]
    public var maxToolRounds: Int
    public var errors: ErrorPresenter
    /// Returns when Ctrl-C is pressed (while an answer streams).
    public var waitForInterrupt: (@Sendable () async -> Void)?
    /// The wall clock, in seconds since 1970 (for saved conversations).
    public var now: @Sendable () -> Double
    /// The local time zone's offset from UTC, in seconds (for dates shown).
    public var timeZoneOffset: Int

    public init(
        transport: any ChatTransport, reader: any LineReader, renderer: any ChatRenderer, models: CachedModelCatalog? = nil,
        conversations: (any ConversationStore)? = nil, attachments: (any AttachmentSource)? = nil, images: (any ImageService)? = nil,
        terminal: (any TerminalServices)? = nil, tools: (any ToolProvider)? = nil, approver: (any ToolApprover)? = nil,
        autoApprove: [String] = [], maxToolRounds: Int = 8, roles: (any RoleSource)? = nil, sessions: (any SessionCatalog)? = nil,
        shell: (any ShellServices)? = nil, errors: ErrorPresenter = ErrorPresenter(),
        waitForInterrupt: (@Sendable () async -> Void)? = nil, now: @escaping @Sendable () -> Double, timeZoneOffset: Int = 0
    ) {
        self.timeZoneOffset = timeZoneOffset
        self.transport = transport
        self.reader = reader
        self.renderer = renderer
        self.models = models ?? CachedModelCatalog(transport: transport, cache: nil, now: now)
        self.conversations = conversations
        self.attachments = attachments
        self.images = images
        self.terminal = terminal
        self.tools = tools
        self.approver = approver
        self.autoApprove = autoApprove
        self.maxToolRounds = maxToolRounds
        self.roles = roles
        self.sessions = sessions
        self.shell = shell
        self.errors = errors
        self.waitForInterrupt = waitForInterrupt
        self.now = now
    }
}
