import CEditLineShim
import ChatCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A question answered with one key on the terminal (`/dev/tty`), whatever standard input
/// is: tool-call approval, the `-e` choices.
///
/// Only a key pressed after the question is drawn answers it: what was typed ahead (while
/// an answer streamed or a tool call was on its way) is dropped first, or `are you sure`
/// would approve with its `a`.
public enum KeyPrompt {
    /// Drops type-ahead, writes `question` on the terminal and returns the key pressed
    /// (lower-cased), nil when there is no terminal, at end of input, or on Ctrl-C.
    public static func ask(_ question: String) -> Character? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return nil }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutablePointer(to: &raw.c_cc) { cc in
            cc.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) {
                $0[Int(VMIN)] = 1
                $0[Int(VTIME)] = 0
            }
        }
        let writer = FileDescriptorWriter(fileDescriptor: fd)
        // Raw first, so a key typed from now on is not echoed; TCSAFLUSH drops the input
        // queue (a line started in cooked mode included), the shim's read-ahead goes too.
        tcsetattr(fd, TCSAFLUSH, &raw)
        defer { tcsetattr(fd, TCSANOW, &saved) }
        bfchat_discard_pending_input(fd)
        // A Ctrl-C from before the question is forgotten before it is drawn; one pressed once it
        // is on screen answers it.
        InterruptMonitor.consume()
        writer.write(TerminalText.sanitize(question))
        // Waits with the Ctrl-C wake-up pipe, so an interrupt ends the wait at once.
        guard bfchat_wait_readable(fd) == 1 else {
            InterruptMonitor.consume()
            writer.write("\n")
            return nil
        }
        var byte: UInt8 = 0
        guard read(fd, &byte, 1) == 1, byte != 0x03, byte != 0x04 else {
            writer.write("\n")
            return nil
        }
        let key = Character(Unicode.Scalar(byte)).lowercased().first
        writer.write((key.map { String($0) } ?? "") + "\n")
        return key
    }

    /// Whether a question can be asked: there is a terminal to ask on.
    public static var canAsk: Bool {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }
}
