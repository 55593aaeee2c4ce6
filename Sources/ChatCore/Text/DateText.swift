/// Dates as people read them, without Foundation's calendars: `2026-12-01 20:15`.
public enum DateText {
    /// `seconds` since 1970, shifted by `offset` seconds (a time zone), as `YYYY-MM-DD HH:MM`.
    public static func format(_ seconds: Double, offset: Int = 0) -> String {
        guard seconds.isFinite, abs(seconds) < 1e12 else { return "?" }
        let total = Int(seconds.rounded(.down)) + offset
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondsOfDay = total - days * 86_400
        // Civil from days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(secondsOfDay / 3600)):\(two(secondsOfDay % 3600 / 60))"
    }
}
