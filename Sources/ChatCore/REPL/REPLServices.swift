/// Everything the REPL reaches outside itself, given at `init`: nothing is set afterwards.
public struct REPLServices {
    public var transport: any ChatTransport
    public var reader: any LineReader
    public var renderer: any ChatRenderer
    public var models: any ModelCatalog
    /// Autosave and the files of `/save`, `/load`, `/export`; nil keeps nothing on disk.
    public var conversations: (any ConversationStore)?
    /// What `/file` reads; nil when attachments are not available.
    public var attachments: (any AttachmentSource)?
    public var images: (any ImageService)?
    /// The editor and the clipboard; nil without a terminal.
    public var terminal: (any TerminalServices)?
    public var errors: ErrorPresenter
    /// Returns when Ctrl-C is pressed (while an answer streams).
    public var waitForInterrupt: (@Sendable () async -> Void)?
    /// The wall clock, in seconds since 1970 (for saved conversations).
    public var now: @Sendable () -> Double

    public init(
        transport: any ChatTransport, reader: any LineReader, renderer: any ChatRenderer, models: (any ModelCatalog)? = nil,
        conversations: (any ConversationStore)? = nil, attachments: (any AttachmentSource)? = nil, images: (any ImageService)? = nil,
        terminal: (any TerminalServices)? = nil, errors: ErrorPresenter = ErrorPresenter(),
        waitForInterrupt: (@Sendable () async -> Void)? = nil, now: @escaping @Sendable () -> Double
    ) {
        self.transport = transport
        self.reader = reader
        self.renderer = renderer
        self.models = models ?? CachedModelCatalog(transport: transport, cache: nil, now: now)
        self.conversations = conversations
        self.attachments = attachments
        self.images = images
        self.terminal = terminal
        self.errors = errors
        self.waitForInterrupt = waitForInterrupt
        self.now = now
    }
}
