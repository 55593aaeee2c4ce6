/// Durations as people read them in a notice or an error: `60 s`, `12.5 s`, `250 ms` — and
/// the whole milliseconds they are sent as.
public enum DurationText {
    /// `250 ms` under a second; else seconds, with one decimal when not whole, rounded to the
    /// nearest tenth (`12.5 s`, not `12 s`).
    public static func describe(_ duration: Duration) -> String {
        let milliseconds = milliseconds(duration)
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }

    /// The whole milliseconds in `duration`, rounded down.
    public static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
