/// The environment of the shell commands these tests start: only a `PATH`.
let shellEnvironment = ["PATH": "/usr/bin:/bin"]

/// The ignored-signals mask from a `SigIgn:` line of /proc/PID/status.
func ignoredSignals(_ statusLine: String) -> UInt64 {
    let hex = statusLine.split(whereSeparator: \.isWhitespace).last ?? ""
    return UInt64(hex, radix: 16) ?? UInt64.max
}
