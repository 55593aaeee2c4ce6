// bench-tools: the client's own cost per tool round.
//
//   bench-tools mcp-server --log FILE
//   bench-tools run --client PATH [--rounds N] [--runs M] [--log FILE] [--dir DIR] [--keep]
//
// `mcp-server` is a minimal MCP stdio server written by hand (newline-delimited JSON-RPC 2.0
// on stdin and stdout): `initialize`, `ping`, `tools/list` with one tool `echo`, and
// `tools/call`. For every `tools/call` it appends `RECV_NS SENT_NS SENT_PRE_NS` to FILE:
// CLOCK_MONOTONIC right after the request line was read, right after the reply was written,
// and just before that write — the tool's own time, which the round overhead leaves out.
//
// `run` serves a raw-socket HTTP/1.1 OpenRouter on 127.0.0.1 and runs the client M times as
// `PATH --config CFG --base-url URL -y go`, with this program as its one MCP server `b`
// (`mcp-server --log FILE.K`). Each chat completion whose messages hold fewer than N `tool`
// messages is answered with one streamed call to `b__echo`; the next one with the text
// `done`. T0 is taken right after the last byte of a tool-call answer is written, T1 at the
// read that brings the first bytes of the next request. The overhead of a round is
// (T1 − T0) − (SENT_NS − RECV_NS): parsing the call, the hop to the tool host and on to the
// server and back, building and sending the next request. It prints `RESULT` lines (ms).
//
// A write that wakes the reader can hand it this thread's core: on a busy 2-core machine the
// writer may run again only after the client has gone on (the tool's RECV then comes before
// T0), so a stamp taken after a write can be late by milliseconds. The headline figure
// therefore uses the stamps taken just before each of the two writes (T0_PRE, SENT_PRE):
// that can only add the two writes' own few microseconds to the overhead. The figure from
// the after-write stamps is printed beside it, with the number of rounds where the order
// shows such a late stamp.

import BenchSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func fail(_ text: String) -> Never {
    log("bench-tools: " + text)
    exit(1)
}

/// Writes all of `bytes` to `fd`; false if the descriptor failed.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}

func find(_ haystack: [UInt8], _ needle: [UInt8], from start: Int = 0) -> Int? {
    guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
    var i = start
    while i <= haystack.count - needle.count {
        if haystack[i] == needle[0] {
            var j = 1
            while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
            if j == needle.count { return i }
        }
        i += 1
    }
    return nil
}

func jsonLine(_ object: Any) -> [UInt8] {
    guard let data = try? JSONSerialization.data(withJSONObject: object) else { fail("could not encode JSON") }
    return [UInt8](data) + [0x0A]
}

// MARK: - mcp-server

func mcpServer(log path: String) -> Never {
    let logFD = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    guard logFD >= 0 else { fail("cannot open \(path)") }
    signal(SIGPIPE, SIG_IGN)
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    var pending: [UInt8] = []
    while true {
        let n = read(0, &buffer, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { exit(0) }
        let received = monotonicNanoseconds()
        pending.append(contentsOf: buffer[0..<n])
        while let newline = pending.firstIndex(of: 0x0A) {
            let line = Array(pending[..<newline])
            pending.removeSubrange(...newline)
            guard !line.isEmpty,
                let message = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            else { continue }
            // Notifications (no id) and responses to anything we never asked are ignored.
            guard let id = message["id"], let method = message["method"] as? String else { continue }
            let params = message["params"] as? [String: Any] ?? [:]
            var reply: [String: Any] = ["jsonrpc": "2.0", "id": id]
            switch method {
            case "initialize":
                reply["result"] = [
                    "protocolVersion": params["protocolVersion"] as? String ?? "2025-03-26",
                    "capabilities": ["tools": [String: Any]()],
                    "serverInfo": ["name": "bench-tools", "version": "1.0.0"],
                ]
            case "ping":
                reply["result"] = [String: Any]()
            case "tools/list":
                reply["result"] = [
                    "tools": [
                        [
                            "name": "echo",
                            "description": "Returns its text.",
                            "inputSchema": ["type": "object", "properties": ["text": ["type": "string"]]],
                        ] as [String: Any]
                    ]
                ]
            case "tools/call":
                let arguments = params["arguments"] as? [String: Any] ?? [:]
                let text = arguments["text"] as? String ?? ""
                reply["result"] = ["content": [["type": "text", "text": "echo: " + text]], "isError": false] as [String: Any]
            default:
                reply["error"] = ["code": -32601, "message": "method not found: \(method)"] as [String: Any]
            }
            let replyLine = jsonLine(reply)
            let beforeWrite = monotonicNanoseconds()
            writeAll(1, replyLine)
            if method == "tools/call" {
                let sent = monotonicNanoseconds()
                writeAll(logFD, Array("\(received) \(sent) \(beforeWrite)\n".utf8))
            }
        }
    }
}

// MARK: - run: the HTTP side

/// One tool round as the HTTP server timed it (CLOCK_MONOTONIC, ns).
struct Round {
    /// Right after the last byte of the tool-call answer was written.
    var t0: UInt64
    /// Just before that write.
    var t0Pre: UInt64
    /// At the read that brought the first bytes of the next request.
    var t1: UInt64
}

/// What the HTTP server saw, shared between its thread and the main one.
final class Observations: @unchecked Sendable {
    private let lock = NSLock()
    /// T0 of the tool-call answer whose follow-up has not arrived yet, and its call id.
    private var pending: (t0: UInt64, t0Pre: UInt64, callID: String, toolMessages: Int)?
    /// (T0, T0_PRE, T1) per round, in order, for the current run.
    private var rounds: [Round] = []
    private var t1Candidate: UInt64?
    private var failures: [String] = []
    private var callCounter = 0

    func withLock<T>(_ body: (Observations) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(self)
    }

    func firstBytes(at t: UInt64) { withLock { if $0.pending != nil && $0.t1Candidate == nil { $0.t1Candidate = t } } }

    /// Called with a complete chat-completion request; returns the call id to answer with, or
    /// nil to answer with the final text.
    func request(toolMessages: Int, toolCallIDs: [String], rounds wanted: Int) -> String? {
        withLock { s in
            if let pending = s.pending {
                if let t1 = s.t1Candidate {
                    s.rounds.append(Round(t0: pending.t0, t0Pre: pending.t0Pre, t1: t1))
                } else {
                    s.failures.append("no first-bytes time for the request after call \(pending.callID)")
                }
                if toolMessages != pending.toolMessages + 1 || !toolCallIDs.contains(pending.callID) {
                    s.failures.append(
                        "the request after call \(pending.callID) holds \(toolMessages) tool messages (expected \(pending.toolMessages + 1)) and tool_call_ids \(toolCallIDs)"
                    )
                }
                s.pending = nil
                s.t1Candidate = nil
            }
            guard toolMessages < wanted else { return nil }
            s.callCounter += 1
            return "call_bench_\(s.callCounter)"
        }
    }

    func answered(callID: String, toolMessages: Int, writeStarted t0Pre: UInt64, ended t0: UInt64) {
        withLock { $0.pending = (t0, t0Pre, callID, toolMessages) }
    }

    func failure(_ text: String) { withLock { $0.failures.append(text) } }

    /// Takes this run's rounds and failures and starts the next run clean.
    func takeRun() -> (rounds: [Round], failures: [String], unanswered: Bool) {
        withLock { s in
            defer {
                s.rounds = []
                s.failures = []
                s.pending = nil
                s.t1Candidate = nil
            }
            return (s.rounds, s.failures, s.pending != nil)
        }
    }
}

enum Chunks {
    static let head =
        #"{"id":"gen-bench-tools","provider":"Bench","model":"bench/tools","object":"chat.completion.chunk","created":1700000000,"choices":["#
    static let tail = #"]}"#

    static func choice(delta: String, finish: String?) -> String {
        let reason = finish.map { "\"\($0)\"" } ?? "null"
        return head + #"{"index":0,"delta":"# + delta + #","finish_reason":"# + reason + #","native_finish_reason":"# + reason
            + #","logprobs":null}"# + tail
    }

    static let usage =
        #"{"id":"gen-bench-tools","provider":"Bench","model":"bench/tools","object":"chat.completion.chunk","created":1700000000,"choices":[],"usage":{"prompt_tokens":20,"completion_tokens":5,"total_tokens":25,"cost":0.0001}}"#

    /// The SSE events of an answer that calls `b__echo` with `{"text":"hi"}` (arguments in two pieces).
    static func toolCall(id: String) -> [String] {
        [
            choice(
                delta:
                    #"{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":""# + id
                    + #"","type":"function","function":{"name":"b__echo","arguments":""}}]}"#, finish: nil),
            choice(delta: #"{"tool_calls":[{"index":0,"function":{"arguments":"{\"text\":"}}]}"#, finish: nil),
            choice(delta: #"{"tool_calls":[{"index":0,"function":{"arguments":"\"hi\"}"}}]}"#, finish: nil),
            choice(delta: #"{"role":"assistant","content":""}"#, finish: "tool_calls"),
            usage,
        ]
    }

    static let done: [String] = [
        choice(delta: #"{"role":"assistant","content":"done"}"#, finish: nil),
        choice(delta: #"{"role":"assistant","content":""}"#, finish: "stop"),
        usage,
    ]

    /// A whole HTTP response: head, one HTTP chunk per event (as OpenRouter sends them), end.
    static func response(_ events: [String]) -> [UInt8] {
        var out = Array(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for event in [": OPENROUTER PROCESSING\n\n"] + events.map({ "data: " + $0 + "\n\n" }) + ["data: [DONE]\n\n"] {
            let bytes = Array(event.utf8)
            out += Array(String(bytes.count, radix: 16).utf8) + [0x0D, 0x0A] + bytes + [0x0D, 0x0A]
        }
        return out + Array("0\r\n\r\n".utf8)
    }
}

/// One HTTP request parsed out of a connection's buffer.
struct HTTPRequest {
    var method: String
    var path: String
    var body: [UInt8]
}

/// Takes one complete request off the front of `buffer`, if it holds one. Bodies with
/// Content-Length and chunked bodies are both understood.
func takeRequest(_ buffer: inout [UInt8]) -> HTTPRequest? {
    guard let headEnd = find(buffer, [0x0D, 0x0A, 0x0D, 0x0A]) else { return nil }
    let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
    let lines = head.components(separatedBy: "\r\n")
    let requestLine = lines[0].split(separator: " ")
    guard requestLine.count >= 2 else { fail("bad request line: \(lines[0])") }
    var contentLength = 0
    var chunked = false
    for line in lines.dropFirst() {
        guard let colon = line.firstIndex(of: ":") else { continue }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        if name == "content-length" { contentLength = Int(value) ?? 0 }
        if name == "transfer-encoding" && value.lowercased().contains("chunked") { chunked = true }
    }
    let bodyStart = headEnd + 4
    var body: [UInt8] = []
    var end: Int
    if chunked {
        var at = bodyStart
        while true {
            guard let lineEnd = find(buffer, [0x0D, 0x0A], from: at) else { return nil }
            let sizeText = String(decoding: buffer[at..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
                fail("bad chunk size: \(sizeText)")
            }
            at = lineEnd + 2
            if size == 0 {
                // Trailers (none expected) end with an empty line.
                guard let trailerEnd = find(buffer, [0x0D, 0x0A], from: at) else { return nil }
                if trailerEnd == at {
                    end = at + 2
                    break
                }
                guard let all = find(buffer, [0x0D, 0x0A, 0x0D, 0x0A], from: at) else { return nil }
                end = all + 4
                break
            }
            guard buffer.count >= at + size + 2 else { return nil }
            body += buffer[at..<(at + size)]
            at += size + 2
        }
    } else {
        guard buffer.count >= bodyStart + contentLength else { return nil }
        body = Array(buffer[bodyStart..<(bodyStart + contentLength)])
        end = bodyStart + contentLength
    }
    buffer.removeSubrange(0..<end)
    return HTTPRequest(method: String(requestLine[0]), path: String(requestLine[1]), body: body)
}

/// Serves connections with poll(2) until the process ends: several at once, several
/// requests per connection (the client keeps its connection alive).
func serve(listener: Int32, rounds wanted: Int, observations: Observations) {
    var connections: [Int32: [UInt8]] = [:]
    var readBuffer = [UInt8](repeating: 0, count: 256 * 1024)
    while true {
        var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
        fds += connections.keys.sorted().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ready = poll(&fds, nfds_t(fds.count), -1)
        if ready < 0 {
            if errno == EINTR { continue }
            fail("poll failed: \(errno)")
        }
        for entry in fds where entry.revents != 0 {
            if entry.fd == listener {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    var yes: Int32 = 1
                    setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
                    connections[client] = []
                }
                continue
            }
            let fd = entry.fd
            let n = read(fd, &readBuffer, readBuffer.count)
            let now = monotonicNanoseconds()
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                close(fd)
                connections[fd] = nil
                continue
            }
            var buffer = connections[fd] ?? []
            if buffer.isEmpty { observations.firstBytes(at: now) }
            buffer += readBuffer[0..<n]
            while let request = takeRequest(&buffer) {
                answer(request, on: fd, rounds: wanted, observations: observations)
            }
            connections[fd] = buffer
        }
    }
}

func answer(_ request: HTTPRequest, on fd: Int32, rounds wanted: Int, observations: Observations) {
    guard request.method == "POST", request.path.hasSuffix("/chat/completions") else {
        log("bench-tools: unexpected request \(request.method) \(request.path); answered 404")
        let body = Array(#"{"error":{"code":404,"message":"not found"}}"#.utf8)
        writeAll(
            fd,
            Array("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        return
    }
    guard let json = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
        let messages = json["messages"] as? [[String: Any]]
    else {
        observations.failure("a chat completion request without JSON messages")
        writeAll(fd, Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8))
        return
    }
    let toolMessages = messages.filter { $0["role"] as? String == "tool" }
    let offered = (json["tools"] as? [[String: Any]] ?? []).compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
    if !offered.contains("b__echo") {
        observations.failure("the request does not offer b__echo (offered: \(offered))")
    }
    let callID = observations.request(
        toolMessages: toolMessages.count, toolCallIDs: toolMessages.compactMap { $0["tool_call_id"] as? String },
        rounds: offered.contains("b__echo") ? wanted : 0)
    if let callID {
        let response = Chunks.response(Chunks.toolCall(id: callID))
        let beforeWrite = monotonicNanoseconds()
        writeAll(fd, response)
        let afterWrite = monotonicNanoseconds()
        observations.answered(callID: callID, toolMessages: toolMessages.count, writeStarted: beforeWrite, ended: afterWrite)
    } else {
        writeAll(fd, Chunks.response(Chunks.done))
    }
}

// MARK: - run: the client side

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
    return sorted[min(rank, sorted.count) - 1]
}

func runBenchmark(client: String, rounds: Int, runs: Int, logBase: String?, dir: String?, keep: Bool) {
    guard rounds >= 1, rounds <= 100 else { fail("--rounds must be 1...100 (max_tool_rounds)") }
    guard FileManager.default.isExecutableFile(atPath: client) else { fail("no client at \(client)") }
    let scratch: String
    if let dir {
        scratch = dir
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } else {
        var template = Array("/tmp/bench-tools-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fail("mkdtemp failed") }
        scratch = String(cString: made)
    }
    let home = scratch + "/home"
    for sub in ["", "/.config", "/.local/state"] {
        try? FileManager.default.createDirectory(atPath: home + sub, withIntermediateDirectories: true)
    }
    let logPrefix = logBase ?? scratch + "/tool-calls.log"
    guard let me = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
        fail("cannot read /proc/self/exe")
    }

    // The server.
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listener >= 0 else { fail("socket failed") }
    var yes: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(listener, 64) == 0 else { fail("bind/listen failed") }
    var actual = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &actual) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
    }
    let port = UInt16(bigEndian: actual.sin_port)
    let baseURL = "http://127.0.0.1:\(port)/api/v1"
    signal(SIGPIPE, SIG_IGN)
    let observations = Observations()
    let server = Thread { serve(listener: listener, rounds: rounds, observations: observations) }
    server.start()
    log("bench-tools: server at \(baseURL); \(runs) runs of \(rounds) tool rounds; scratch \(scratch)")

    var environment = ProcessInfo.processInfo.environment
    for name in [
        "OPENROUTER_BASE_URL", "BANKFUTURE_CHAT_CONFIG", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY",
        "all_proxy",
    ] {
        environment[name] = nil
    }
    environment["HOME"] = home
    environment["XDG_CONFIG_HOME"] = home + "/.config"
    environment["XDG_STATE_HOME"] = home + "/.local/state"
    environment["OPENROUTER_API_KEY"] = "sk-or-v1-bench-0000000000000000"

    var all: [Double] = []
    var allPost: [Double] = []
    var firsts: [Double] = []
    var raw: [Double] = []
    var toolTimes: [Double] = []
    var lateStamps = 0
    let config = scratch + "/config.json"
    for run in 1...runs {
        let logPath = "\(logPrefix).\(run)"
        unlink(logPath)
        let configObject: [String: Any] = [
            "model": "bench/tools",
            "max_tool_rounds": rounds,
            "mcp_servers": ["b": ["command": me, "args": ["mcp-server", "--log", logPath]]],
        ]
        guard let configData = try? JSONSerialization.data(withJSONObject: configObject),
            FileManager.default.createFile(atPath: config, contents: configData)
        else { fail("cannot write \(config)") }

        let stdoutPath = scratch + "/client-\(run).out"
        let stderrPath = scratch + "/client-\(run).err"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: client)
        process.arguments = ["--config", config, "--base-url", baseURL, "-y", "go"]
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: scratch)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: stdoutPath)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        do { try process.run() } catch { fail("cannot start \(client): \(error)") }
        process.waitUntilExit()
        let stderrText = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
        let stdoutText = (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? ""
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            fail("run \(run): the client exited with status \(process.terminationStatus); its stderr:\n\(stderrText)")
        }
        guard stdoutText.contains("done") else {
            fail("run \(run): the client did not print the final answer; stdout: \(stdoutText)\nstderr:\n\(stderrText)")
        }
        // The server writes its line after its reply: give a server that has not been ended yet a moment.
        var lines: [String] = []
        for _ in 0..<200 {
            lines = ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            if lines.count >= rounds { break }
            usleep(10_000)
        }
        let taken = observations.takeRun()
        if !taken.failures.isEmpty || taken.unanswered {
            fail(
                "run \(run): \(taken.failures.joined(separator: "; "))\(taken.unanswered ? "; a tool call was never followed by a request" : "")\nclient stderr:\n\(stderrText)"
            )
        }
        guard taken.rounds.count == rounds, lines.count == rounds else {
            fail("run \(run): \(taken.rounds.count) rounds seen by the server, \(lines.count) calls logged by the tool; expected \(rounds)\nclient stderr:\n\(stderrText)")
        }
        var overheads: [Double] = []
        for (index, round) in taken.rounds.enumerated() {
            let fields = lines[index].split(separator: " ").compactMap { UInt64($0) }
            guard fields.count == 3 else { fail("bad log line: \(lines[index])") }
            let (received, sent, sentPre) = (fields[0], fields[1], fields[2])
            // What cannot be late must be in order: the call arrives after the answer's write
            // began, and the tool's reply is written before the next request arrives.
            guard received >= round.t0Pre, sentPre >= received, sent >= sentPre, sentPre <= round.t1, round.t0 >= round.t0Pre else {
                fail(
                    "run \(run) round \(index + 1): times out of order: T0_PRE \(round.t0Pre) T0 \(round.t0) RECV \(received) SENT_PRE \(sentPre) SENT \(sent) T1 \(round.t1)"
                )
            }
            if received < round.t0 || sent > round.t1 { lateStamps += 1 }
            let between = Double(round.t1 - round.t0Pre) / 1e6
            let tool = Double(sentPre - received) / 1e6
            overheads.append(between - tool)
            allPost.append((Double(round.t1) - Double(round.t0) - Double(sent) + Double(received)) / 1e6)
            raw.append(between)
            toolTimes.append(tool)
        }
        firsts.append(overheads[0])
        all += overheads
        log(
            "run \(run): per-round overhead ms " + overheads.map { String(format: "%.2f", $0) }.joined(separator: " "))
    }
    if !keep && dir == nil && logBase == nil { try? FileManager.default.removeItem(atPath: scratch) }

    log(
        String(
            format:
                "tool rounds: %d (%d runs × %d); overhead median %.2f ms, p90 %.2f, min %.2f, max %.2f; first round median %.2f ms (max %.2f); T1−T0 median %.2f ms, tool's own time median %.3f ms; from the after-write stamps: median %.2f ms (%d rounds with a late stamp)",
            all.count, runs, rounds, median(all), percentile(all, 0.9), all.min()!, all.max()!, median(firsts), firsts.max()!,
            median(raw), median(toolTimes), median(allPost), lateStamps))
    result("tools_rounds", Double(all.count), "rounds")
    result("tools_runs", Double(runs), "runs")
    result("tools_overhead_median_ms", median(all), "ms")
    result("tools_overhead_p90_ms", percentile(all, 0.9), "ms")
    result("tools_overhead_min_ms", all.min()!, "ms")
    result("tools_overhead_max_ms", all.max()!, "ms")
    let later = runs > 0 && rounds > 1 ? stride(from: 0, to: all.count, by: 1).filter { $0 % rounds != 0 }.map { all[$0] } : []
    if !later.isEmpty { result("tools_overhead_later_median_ms", median(later), "ms") }
    result("tools_first_round_median_ms", median(firsts), "ms")
    result("tools_first_round_max_ms", firsts.max()!, "ms")
    result("tools_between_median_ms", median(raw), "ms")
    result("tools_tool_time_median_ms", median(toolTimes), "ms")
    result("tools_overhead_postwrite_median_ms", median(allPost), "ms")
    result("tools_late_stamps", Double(lateStamps), "rounds")
}

// MARK: - main

func usage() -> Never {
    log(
        "usage: bench-tools mcp-server --log FILE\n       bench-tools run --client PATH [--rounds N] [--runs M] [--log FILE] [--dir DIR] [--keep]")
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first else { usage() }
arguments.removeFirst()
var options: [String: String] = [:]
var flags: Set<String> = []
var iterator = arguments.makeIterator()
while let argument = iterator.next() {
    switch argument {
    case "--log", "--client", "--rounds", "--runs", "--dir":
        guard let value = iterator.next() else { usage() }
        options[argument] = value
    case "--keep": flags.insert(argument)
    default: usage()
    }
}
switch mode {
case "mcp-server":
    guard let path = options["--log"] else { usage() }
    mcpServer(log: path)
case "run":
    guard let client = options["--client"] else { usage() }
    runBenchmark(
        client: client, rounds: Int(options["--rounds"] ?? "10") ?? 10, runs: Int(options["--runs"] ?? "5") ?? 5,
        logBase: options["--log"], dir: options["--dir"], keep: flags.contains("--keep"))
    exit(0)
default:
    usage()
}
