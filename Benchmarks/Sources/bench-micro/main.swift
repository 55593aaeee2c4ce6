// bench-micro: in-process micro-benchmarks of ChatCore's hot paths.
//
//   bench-micro [sse|decode|request|all]
//
// Each prints human-readable lines on stderr and machine-readable `RESULT name value unit`
// lines on stdout (Benchmarks/run.sh reads those). Every figure is the median of several
// runs after a warm-up run.

import BenchSupport
import ChatCore
import Foundation  // String(format:) only

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` once to warm up, then `runs` times; returns the median CPU seconds (and
/// logs the median wall seconds beside it, for comparison).
func measure(runs: Int, _ body: () -> Void) -> Double {
    measureRuns(runs: runs, body).median
}

/// The median and the fastest run's CPU seconds. Other processes on the machine can only
/// slow a run down, so the fastest is the one least disturbed.
func measureRuns(runs: Int, _ body: () -> Void) -> (median: Double, fastest: Double) {
    body()
    var cpu: [Double] = []
    var wall: [Double] = []
    for _ in 0..<runs {
        let wallStart = wallNow()
        let cpuStart = cpuNow()
        body()
        cpu.append(cpuNow() - cpuStart)
        wall.append(wallNow() - wallStart)
    }
    log(
        String(
            format: "  (median of %d runs: %.3f ms CPU, %.3f ms wall; fastest %.3f ms CPU)", runs, median(cpu) * 1000, median(wall) * 1000,
            cpu.min()! * 1000))
    return (median(cpu), cpu.min()!)
}

/// An OpenRouter-shaped stream chunk carrying `content` (already JSON-safe).
func chunkJSON(_ content: String) -> String {
    #"{"id":"gen-bench-0001","provider":"Bench","model":"bench/stream","object":"chat.completion.chunk","created":1700000000,"choices":[{"index":0,"delta":{"role":"assistant","content":""#
        + content + #""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#
}

/// Content pieces of about 100 bytes of prose with an escaped newline now and then.
func contentPiece(_ i: Int) -> String {
    let base = "the quick brown fox jumps over a lazy dog while streaming tokens number \(i) of the answer"
    return i % 7 == 0 ? base + "\\n\\n" : base + " "
}

// MARK: - SSE parser

/// Parser throughput over a 32 MiB stream of realistic events, fed in network-sized chunks.
func benchSSE() {
    var stream: [UInt8] = []
    stream.reserveCapacity(33 * 1024 * 1024)
    stream.append(contentsOf: ": OPENROUTER PROCESSING\n\n".utf8)
    var i = 0
    while stream.count < 32 * 1024 * 1024 {
        stream.append(contentsOf: ("data: " + chunkJSON(contentPiece(i)) + "\n\n").utf8)
        i += 1
    }
    stream.append(contentsOf: "data: [DONE]\n\n".utf8)
    let megabytes = Double(stream.count) / 1_048_576
    for chunkSize in [16 * 1024, 1500] {
        var events = 0
        var bytes = 0
        let seconds = measure(runs: 7) {
            var parser = ServerSentEventParser()
            var offset = 0
            while offset < stream.count {
                let end = min(offset + chunkSize, stream.count)
                try! parser.feed(stream[offset..<end]) { event in
                    events += 1
                    if case .data(let text) = event { bytes &+= text.utf8.count }
                }
                offset = end
            }
            events += parser.finish().count
        }
        let rate = megabytes / seconds
        log(
            String(
                format: "SSE parser: %.1f MiB in %.1f ms = %.0f MiB/s (chunks of %d bytes, %d events per run)", megabytes, seconds * 1000,
                rate, chunkSize, i + 2))
        result(chunkSize == 1500 ? "sse_parser_mibps_small_chunks" : "sse_parser_mibps", rate, "MiB/s")
        if bytes == 0 { log("no data") }
    }
}

// MARK: - Stream-chunk decoder

/// ChatCompletionDecoder.events(fromChunk:) on realistic chunks: the per-event JSON cost of streaming.
func benchDecode() {
    let payloads = (0..<100_000).map { chunkJSON(contentPiece($0)) }
    let totalBytes = payloads.reduce(0) { $0 + $1.utf8.count }
    var text = 0
    let seconds = measure(runs: 5) {
        var decoder = ChatCompletionDecoder()
        for payload in payloads {
            for event in try! decoder.events(fromChunk: payload) {
                if case .text(let t) = event { text &+= t.utf8.count }
            }
        }
    }
    let megabytes = Double(totalBytes) / 1_048_576
    log(
        String(
            format: "Chunk decoder: %d chunks (%.1f MiB) in %.1f ms = %.0f MiB/s, %.2f µs per chunk", payloads.count, megabytes,
            seconds * 1000, megabytes / seconds, seconds / Double(payloads.count) * 1e6))
    result("decoder_mibps", megabytes / seconds, "MiB/s")
    result("decoder_us_per_chunk", seconds / Double(payloads.count) * 1e6, "us")
    if text == 0 { log("no text") }
}

// MARK: - Request build + encode

/// A realistic history: short questions, long answers with newlines, quotes and code.
func history(_ count: Int) -> [ChatMessage] {
    (0..<count).map { i in
        if i % 2 == 0 {
            return .user("Question \(i): how do I make the \"history\" of a chat client encode in linear time?")
        }
        return .assistant(
            """
            Answer \(i): keep the messages in an array and write the JSON by hand.

            ```swift
            for message in messages { out.string(message.content) }  // "escaped"
            ```
            Each turn appends two messages, so encoding the whole history once per turn is
            linear in its size; a tab\there and a backslash \\ there keep the escaper honest. Ünïcödé too: 👋🏽
            """)
    }
}

/// `ChatSession.request(sending:)` + `ChatRequest.jsonBody()` with N messages in the request
/// (system prompt + N-2 history messages + the new user message).
func benchRequest() {
    var fastestPerMessage: [Double] = []
    for count in [100, 1_000, 10_000] {
        var session = ChatSession(model: "google/gemini-2.5-flash", systemPrompt: "You are a helpful assistant.")
        session.replaceHistory(history(count - 2))
        var size = 0
        let runs = count >= 10_000 ? 21 : 51
        let (seconds, fastest) = measureRuns(runs: runs) {
            let request = session.request(sending: "And one more question?", stream: true)
            size = request.jsonBody().count
        }
        let perMessageMicros = seconds / Double(count) * 1e6
        fastestPerMessage.append(fastest / Double(count) * 1e6)
        log(
            String(
                format: "Request build+encode: %5d messages, %8d bytes: %8.3f ms (%.3f µs per message, %.0f MiB/s)", count, size,
                seconds * 1000, perMessageMicros, Double(size) / 1_048_576 / seconds))
        result("request_ms_\(count)", seconds * 1000, "ms")
        result("request_us_per_message_\(count)", perMessageMicros, "us")
        result("request_bytes_\(count)", Double(size), "bytes")
    }
    // Linear growth: the cost per message stays flat from 100 to 10,000 messages. Compared on
    // the fastest runs: a neighbour's burst during the few 10,000-message runs would otherwise
    // read as growth (medians gave 1.06x, 1.24x and 1.84x in three runs on this shared machine).
    let ratio = fastestPerMessage.last! / fastestPerMessage.first!
    log(String(format: "Per-message cost at 10,000 vs 100 messages: %.2fx (1.0 = perfectly linear)", ratio))
    result("request_linearity", ratio, "x")
}

let which = CommandLine.arguments.dropFirst().first ?? "all"
switch which {
case "sse": benchSSE()
case "decode": benchDecode()
case "request": benchRequest()
case "all":
    benchSSE()
    benchDecode()
    benchRequest()
default:
    log("usage: bench-micro [sse|decode|request|all]")
    exit(2)
}
