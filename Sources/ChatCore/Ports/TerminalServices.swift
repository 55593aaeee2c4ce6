/// What the REPL needs from the terminal beyond lines and output.
public protocol TerminalServices {
    /// Opens the user's editor on `initial` and returns the text written, nil when nothing was.
    func compose(_ initial: String) -> Result<String?, ServiceFailure>
    /// Puts text on the clipboard (OSC 52); false when the terminal cannot.
    func copy(_ text: String) -> Bool
}
