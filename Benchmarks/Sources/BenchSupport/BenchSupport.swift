// What the benchmark executables share: clocks, the median, and the two kinds of output
// (`RESULT name value unit` lines on stdout for Benchmarks/run.sh, progress on stderr).

#if canImport(Glibc)
import Glibc
#endif

/// This thread's CPU time in seconds. The machine is shared (other builds run beside the
/// benchmarks), so micro-benchmarks count the CPU time of the measured thread: wall time
/// would add whatever time the scheduler gave to other processes.
public func cpuNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// The CPU seconds (user and system, every thread) this process has used: for work spread
/// over threads, where the wall time also counts what the scheduler gave to others.
public func processCPU() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

public func wallNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

public func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

public func result(_ name: String, _ value: Double, _ unit: String) {
    print("RESULT \(name) \(value) \(unit)")
}

/// Human-readable progress on stderr (unbuffered write, no stdio globals).
public func log(_ text: String) {
    let line = text + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}
