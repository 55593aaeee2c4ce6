/// What `-e` and `/exec` need from the terminal: a one-key question, running a command
/// with the terminal handed over, the clipboard, and the screen's size.
public protocol ShellServices {
    /// Shows `question` and returns the key pressed, nil when there is no answer.
    func ask(_ question: String) -> Character?
    /// Runs `command` in `$SHELL -c` on the terminal; its exit status, nil when it could not start.
    func run(_ command: String) -> Int32?
    /// Puts `text` on the clipboard; false when the terminal cannot.
    func copy(_ text: String) -> Bool
    /// The terminal's size, nil when it does not say.
    var screenSize: ScreenSize? { get }
}

/// The size of a terminal's screen, in character cells.
public struct ScreenSize: Sendable, Equatable {
    /// Lines on the screen.
    public var rows: Int
    /// Characters on a line.
    public var columns: Int

    /// A screen of `rows` lines of `columns` characters.
    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }
}
