// The floor of streaming with AsyncHTTPClient: reads a response body and does nothing with
// it but count bytes, the way `curl -N > /dev/null` does. Run against `sse-server`, it shows
// how much of the client's 20 MiB stream time is the HTTP stack itself (NIO's HTTP parser
// and AsyncHTTPClient's per-chunk bookkeeping), which no change in the client can remove.
//
//   bench-http-floor URL [delegate|async] [read-timeout]
//
// `delegate` reads the body with an HTTPClientResponseDelegate on the event loop (as the
// client does); `async` iterates `HTTPClientResponse.Body` from a task. With `read-timeout`
// the client has an idle read timeout (60 s), as bankfuture-chat's has: AsyncHTTPClient
// then re-arms a timer on every read.
import AsyncHTTPClient
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

final class CountingDelegate: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = (bytes: Int, parts: Int)
    private var bytes = 0
    private var parts = 0

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        bytes += buffer.readableBytes
        parts += 1
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response { (bytes, parts) }
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: bench-http-floor URL [delegate|async]")
    exit(2)
}
let url = arguments[1] + "/chat/completions"
let mode = arguments.count > 2 ? arguments[2] : "delegate"
let body = #"{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true}"#
var configuration = HTTPClient.Configuration()
if arguments.count > 3 && arguments[3] == "read-timeout" {
    configuration.timeout = .init(connect: .seconds(10), read: .seconds(60))
}
let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
do {
    let result: (bytes: Int, parts: Int)
    if mode == "async" {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(60))
        var bytes = 0
        var parts = 0
        for try await buffer in response.body {
            bytes += buffer.readableBytes
            parts += 1
        }
        result = (bytes, parts)
    } else {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .string(body))
        result = try await client.execute(request: request, delegate: CountingDelegate()).futureResult.get()
    }
    FileHandleless.standardError("\(mode): \(result.bytes) body bytes in \(result.parts) parts\n")
} catch {
    FileHandleless.standardError("failed: \(error)\n")
}
try await client.shutdown()

enum FileHandleless {
    static func standardError(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}
