// sse-server: answers every HTTP request on 127.0.0.1 with one pre-rendered chat-completion
// SSE stream, the way OpenRouter sends it (one HTTP chunk per event, OpenRouter-shaped
// chunks, a usage chunk with `choices: []`, then `data: [DONE]`).
//
// The whole response is built before the first connection, so serving it costs the
// server one write loop: the stream benchmark then measures the client, not the server.
// FakeOpenRouter is not used here because the root package does not export it as a
// product, and because it encodes every event on the fly.
//
//   sse-server [--port N] [--answer-bytes N] [--piece-bytes N] [--events-per-chunk N] [--dump]
//
// `--events-per-chunk N` puts N events in each HTTP chunk instead of one (a diagnostic: it
// shows how much of the client's time goes to handing over one chunk at a time).
//
// Prints `http://127.0.0.1:PORT/api/v1` on stdout, then serves connections one at a time
// until killed. `--dump` writes the HTTP body (the SSE bytes) to stdout and exits instead.

#if canImport(Glibc)
import Glibc
#endif

/// Writes text straight to a file descriptor (no stdio buffering to flush).
func say(_ text: String, to fd: Int32 = 2) {
    Array(text.utf8).withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}

var port: UInt16 = 0
var answerBytes = 20 * 1024 * 1024
var pieceBytes = 100
var eventsPerChunk = 1
var dump = false

var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--port": port = UInt16(arguments.next() ?? "") ?? 0
    case "--answer-bytes": answerBytes = Int(arguments.next() ?? "") ?? answerBytes
    case "--piece-bytes": pieceBytes = max(1, Int(arguments.next() ?? "") ?? pieceBytes)
    case "--events-per-chunk": eventsPerChunk = max(1, Int(arguments.next() ?? "") ?? 1)
    case "--dump": dump = true
    default:
        say("usage: sse-server [--port N] [--answer-bytes N] [--piece-bytes N] [--events-per-chunk N] [--dump]\n")
        exit(2)
    }
}

/// ASCII prose with a newline now and then; every piece has exactly `pieceBytes` bytes.
func pieces(total: Int, size: Int) -> [String] {
    let words = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "streaming", "tokens"]
    var text: [UInt8] = []
    text.reserveCapacity(total)
    var w = 0
    while text.count < total {
        if w % 23 == 22 {
            text.append(0x0A)
        } else {
            if !text.isEmpty { text.append(0x20) }
            text.append(contentsOf: words[w % words.count].utf8)
        }
        w += 1
    }
    text.removeLast(text.count - total)
    return stride(from: 0, to: total, by: size).map { String(decoding: text[$0..<min($0 + size, total)], as: UTF8.self) }
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

let prefix =
    #"{"id":"gen-bench-0001","provider":"Bench","model":"bench/stream","object":"chat.completion.chunk","created":1700000000,"choices":[{"index":0,"delta":{"role":"assistant","content":"#
let suffix = #"},"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}"#
var events: [String] = [": OPENROUTER PROCESSING\n\n"]
for piece in pieces(total: answerBytes, size: pieceBytes) {
    events.append("data: " + prefix + jsonString(piece) + suffix + "\n\n")
}
events.append(
    #"data: {"id":"gen-bench-0001","provider":"Bench","model":"bench/stream","object":"chat.completion.chunk","created":1700000000,"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":"#
        + String(answerBytes / 4) + #","total_tokens":"# + String(12 + answerBytes / 4) + #","cost":0.0125}}"# + "\n\n")
events.append("data: [DONE]\n\n")

if dump {
    var body: [UInt8] = []
    for event in events { body.append(contentsOf: event.utf8) }
    say(String(decoding: body, as: UTF8.self), to: 1)
    exit(0)
}

// The HTTP response: head, one chunk per event, the terminating chunk.
var response: [UInt8] = Array(
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        .utf8)
var sseBytes = 0
var httpChunks = 0
for first in stride(from: 0, to: events.count, by: eventsPerChunk) {
    let bytes = events[first..<min(first + eventsPerChunk, events.count)].reduce(into: [UInt8]()) { $0 += $1.utf8 }
    sseBytes += bytes.count
    httpChunks += 1
    response.append(contentsOf: String(bytes.count, radix: 16).utf8)
    response.append(contentsOf: [0x0D, 0x0A])
    response.append(contentsOf: bytes)
    response.append(contentsOf: [0x0D, 0x0A])
}
response.append(contentsOf: Array("0\r\n\r\n".utf8))

let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
guard listener >= 0 else {
    perror("socket")
    exit(1)
}
var yes: Int32 = 1
setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
var address = sockaddr_in()
address.sin_family = sa_family_t(AF_INET)
address.sin_port = port.bigEndian
address.sin_addr.s_addr = inet_addr("127.0.0.1")
let bound = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
}
guard bound == 0, listen(listener, 64) == 0 else {
    perror("bind/listen")
    exit(1)
}
var actual = sockaddr_in()
var length = socklen_t(MemoryLayout<sockaddr_in>.size)
_ = withUnsafeMutablePointer(to: &actual) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
}
signal(SIGPIPE, SIG_IGN)
say("http://127.0.0.1:\(UInt16(bigEndian: actual.sin_port))/api/v1\n", to: 1)
say(
    "sse-server: \(events.count - 3) text events, \(answerBytes) answer bytes, \(sseBytes) SSE bytes in \(httpChunks) HTTP chunks, \(response.count) HTTP bytes\n"
)

/// Reads the request head and its Content-Length body, so closing never resets the client.
func readRequest(_ fd: Int32) -> Bool {
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    var received: [UInt8] = []
    var headEnd: Int?
    var contentLength = 0
    while true {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { return false }
        received.append(contentsOf: buffer[0..<n])
        if headEnd == nil, let end = find(received, [0x0D, 0x0A, 0x0D, 0x0A]) {
            headEnd = end + 4
            let head = String(decoding: received[0..<end], as: UTF8.self).lowercased()
            for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                contentLength = Int(line.dropFirst("content-length:".count).trimmingSpaces) ?? 0
            }
        }
        if let headEnd, received.count >= headEnd + contentLength { return true }
    }
}

func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] {
        if Array(haystack[i..<(i + needle.count)]) == needle { return i }
    }
    return nil
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}

while true {
    let client = accept(listener, nil, nil)
    if client < 0 { continue }
    if readRequest(client) {
        response.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(client, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue } else { break } }
                offset += n
            }
        }
    }
    shutdown(client, Int32(SHUT_WR))
    close(client)
}
