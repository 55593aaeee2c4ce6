// libFuzzer target for the parts of ChatCore that read bytes from the network or disk:
// the SSE parser (whole input versus the same input split at fuzzer-chosen places), the
// response decoder (stream chunks, whole answers, error bodies, the model list), the config
// loader, Retry-After parsing, and the formatting of whatever they decode.
//
// It is compiled into the ChatCore module itself (not part of `swift build` or `make test`):
//
//   swiftc -sanitize=fuzzer,address -parse-as-library -module-name ChatCore -g \
//       Sources/ChatCore/*.swift Fuzz/FuzzChatCore.swift -o .build/fuzz-chatcore
//
// See docs/FUZZING.md for running it.

/// Splits `bytes` where `seed` says, so the fuzzer controls the chunking too.
private func fuzzSplit(_ bytes: [UInt8], seed: UInt8) -> [[UInt8]] {
    guard seed != 0, !bytes.isEmpty else { return [bytes] }
    var chunks: [[UInt8]] = []
    var state = UInt32(seed)
    var i = 0
    while i < bytes.count {
        state = state &* 1_103_515_245 &+ 12345
        let size = Int((state >> 16) % UInt32(max(1, Int(seed % 17) + 1))) + 1
        let end = min(bytes.count, i + size)
        chunks.append(Array(bytes[i..<end]))
        i = end
    }
    return chunks
}

private func fuzzParse(_ chunks: [[UInt8]], cap: Int) -> ([ServerSentEventParser.Event], Bool) {
    var parser = ServerSentEventParser(maxLineBytes: cap)
    var events: [ServerSentEventParser.Event] = []
    do {
        for chunk in chunks { try parser.feed(chunk) { events.append($0) } }
    } catch {
        return (events, true)
    }
    return (events + parser.finish(), false)
}

private func show(_ error: ChatError) {
    _ = error.oneLine()
    _ = error.oneLine(keyVariable: "OPENROUTER_API_KEY", keyProblem: "is wrapped in quotes; remove them")
    _ = error.exitCode
    _ = RetryPolicy(maxRetries: 3).delay(beforeRetry: 1, after: error)
}

private func show(_ events: [StreamEvent]) {
    var response = ChatResponse()
    for event in events { response.apply(event) }
    if let usage = response.usage {
        _ = usage + usage
        if let cost = usage.cost { _ = UsageText.cost(cost) }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChatCore(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    let seed = all[0]
    let bytes = Array(all.dropFirst())

    // SSE parser: splitting must never change the events, with a tiny cap and the default one.
    for cap in [32, 16 * 1024 * 1024] {
        let whole = fuzzParse([bytes], cap: cap)
        let split = fuzzParse(fuzzSplit(bytes, seed: seed), cap: cap)
        if whole.0 != split.0 || whole.1 != split.1 {
            fatalError("SSE parser: split input gave different events (cap \(cap))")
        }
        var decoder = ChatCompletionDecoder()
        for case .data(let payload) in whole.0 where payload != "[DONE]" {
            do { show(try decoder.events(fromChunk: payload)) } catch { show(error) }
        }
    }

    // The decoder's shortcut for ordinary chunks must agree with the full decoder.
    let chunkText = String(decoding: bytes, as: UTF8.self)
    let chunkBytes = Array(chunkText.utf8)
    var shortcut = ChatCompletionDecoder()
    if let fast = shortcut.commonChunkEvents(chunkBytes) {
        var full = ChatCompletionDecoder()
        guard let slow = try? full.treeEvents(chunkBytes, payload: chunkText), slow == fast else {
            fatalError("decoder shortcut disagrees with the full decoder")
        }
    }

    // Decoder entry points on the raw bytes.
    var decoder = ChatCompletionDecoder()
    do { show(try decoder.events(fromChunk: String(decoding: bytes, as: UTF8.self))) } catch { show(error) }
    do {
        let response = try ChatCompletionDecoder.response(fromBody: bytes)
        if let usage = response.usage { show([.usage(usage)]) }
    } catch { show(error) }
    for status in [400, 401, 403, 429, 502] {
        show(ChatCompletionDecoder.error(status: status, body: bytes, retryAfter: nil))
    }
    if let models = try? ChatCompletionDecoder.models(fromBody: bytes) {
        _ = ModelTable.render(models, filter: nil)
        for model in models { _ = model.contextLength.map(ModelTable.formatContext) }
    }

    // Config loader and Retry-After.
    do { _ = try ConfigFile.parse(bytes, path: "fuzz.json") } catch { _ = error.message }
    let text = String(decoding: bytes.prefix(256), as: UTF8.self)
    if let seconds = RetryPolicy.parseRetryAfter(text, now: 1_700_000_000) {
        show(.api(APIErrorInfo(status: 429, message: "m", retryAfter: seconds), inStream: false))
    }
    return 0
}
