/// What `-e` and `/exec` need from the terminal: a one-key question, running a command
/// with the terminal handed over, and the clipboard.
public protocol ShellServices {
    /// Shows `question` and returns the key pressed, nil when there is no answer.
    func ask(_ question: String) -> Character?
    /// Runs `command` in `$SHELL -c` on the terminal; its exit status, nil when it could not start.
    func run(_ command: String) -> Int32?
    /// Puts `text` on the clipboard; false when the terminal cannot.
    func copy(_ text: String) -> Bool
}
