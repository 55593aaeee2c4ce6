import CEditLine
import CEditLineShim

/// The terminal's mode, saved at start and put back on every way out.
///
/// libedit switches the terminal to raw mode while a line is edited. If the process
/// dies then (SIGTERM, SIGHUP, a crash path), the user's shell would be left without
/// echo; the saved mode repairs that.
public enum TerminalState {
    /// Saves the mode of terminal `fileDescriptor` (the one the REPL reads: standard
    /// input, or `/dev/tty` when standard input is piped).
    /// - Returns: `false` when the descriptor is not a terminal (nothing to restore).
    @discardableResult
    public static func save(fileDescriptor: Int32) -> Bool {
        bfchat_save_terminal(fileDescriptor) == 0
    }

    /// Puts the saved mode back. Safe to call when nothing was saved, and more than once.
    public static func restore() {
        _ = bfchat_restore_terminal()
    }

    /// Installs SIGTERM and SIGHUP handlers that restore the terminal and exit with
    /// status 128 + signal number (143 for SIGTERM, 129 for SIGHUP).
    /// - Throws: ``TerminalError`` when `sigaction` fails.
    public static func installTerminationHandlers() throws {
        if bfchat_install_termination_handlers() != 0 {
            throw TerminalError.systemCall("sigaction(SIGTERM/SIGHUP)", errno: currentErrno())
        }
    }
}
