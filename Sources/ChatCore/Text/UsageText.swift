/// How amounts are written for people: dollars and seconds.
public enum UsageText {
    /// US dollars with up to six decimals (API prices are fractions of a cent):
    /// `$0.000123`, `$0.25`, `$1.50`.
    public static func cost(_ cost: Double) -> String {
        guard cost.isFinite, cost >= 0 else { return "$?" }
        let micros = (cost * 1_000_000).rounded()
        if micros == 0 && cost > 0 {
            return "<$0.000001"
        }
        guard micros < Double(Int.max) else { return "$\(cost)" }
        let total = Int(micros)
        var fraction = String(total % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.count > 2 && fraction.hasSuffix("0") {
            fraction.removeLast()
        }
        return "$\(total / 1_000_000).\(fraction)"
    }

    /// Whole seconds when the delay is whole or long, else one decimal: `7`, `1.5`.
    public static func seconds(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return seconds.isNaN ? "?" : seconds > 0 ? "more than 999999999" : "0" }
        // Retry-After comes from the server: a huge value must print, not trap converting to Int.
        guard seconds < 1e9 else { return "more than 999999999" }
        let tenths = (seconds * 10).rounded()
        if seconds >= 10 || tenths.truncatingRemainder(dividingBy: 10) == 0 {
            return String(Int(seconds.rounded()))
        }
        return "\(Int(tenths) / 10).\(Int(tenths) % 10)"
    }
}
