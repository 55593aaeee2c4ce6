/// The most the program reads of each input before it refuses it with one line (exit 2).
/// README's "Limits" lists them; a change here belongs there too.
public enum InputLimits {
    /// The config file (`--config`, `BANKFUTURE_CHAT_CONFIG`, the XDG default).
    public static let configBytes = 1024 * 1024
    /// A `--system-file` (and `--system-file -`).
    public static let systemFileBytes = 16 * 1024 * 1024
    /// Piped standard input (a system prompt, or the message with `--stdin user`).
    public static let standardInputBytes = 16 * 1024 * 1024
    /// A `--schema @FILE`.
    public static let schemaBytes = 4 * 1024 * 1024
    /// A role file (`roles/NAME.md`).
    public static let roleBytes = 1024 * 1024
    /// The line history file.
    public static let lineHistoryBytes = 64 * 1024 * 1024
    /// The longest session name, in characters and in UTF-8 bytes (a file name holds at most
    /// 255 bytes, and the temporary file of a save adds 27 to the name).
    public static let sessionNameCharacters = 100
    public static let sessionNameBytes = 200

    /// `bytes` in binary units, as the limits are given: "1 MiB", "512 KiB", "100 bytes".
    public static func size(_ bytes: Int) -> String {
        let mebibyte = 1024 * 1024
        if bytes >= mebibyte && bytes % mebibyte == 0 { return "\(bytes / mebibyte) MiB" }
        if bytes >= 1024 && bytes % 1024 == 0 { return "\(bytes / 1024) KiB" }
        return "\(bytes) bytes"
    }
}
