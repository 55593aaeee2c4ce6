import Foundation

/// Image output in the fake: a real PNG made in code, chat answers that carry it in
/// `message.images` (or `delta.images`), and an OpenAI-compatible images endpoint.
///
/// Routes (checked before the default behaviour, after any queued reply):
/// - `POST …/chat/completions` with model `fake/image` (always) or an image-output model of the
///   list, such as `google/gemini-2.5-flash-image` (when `modalities` holds `"image"`): a short
///   text and ``FakeImages/png`` as `data:image/png;base64,…`. A model that outputs only images
///   (`black-forest-labs/flux.1-schnell`) answers `modalities: ["image"]` with the image and no
///   text, and refuses any request for text with a 404, as OpenRouter does.
///   `fake/image-invalid` sends a data URL whose base64 is broken.
/// - `POST /v1/images/generations` and `POST /images/generations` (OpenAI's API): `b64_json`;
///   `url` for `response_format: "url"`, a model containing `url`, or `dall-e-*`; a URL points
///   at `GET /fake-images/NAME.png`, which serves the PNG. A request without
///   `Authorization: Bearer …` gets 401; models `fake/error-NNN`, `fake/image-invalid` and
///   `fake/image-none` fail, send broken base64, or send no image.
enum FakeImages {
    /// The scenario models for images, with what each does.
    static let scenarios: [(model: String, effect: String)] = [
        ("fake/image", "answer with a 2x2 PNG in message.images (delta.images when streaming) and a short text"),
        ("fake/image-invalid", "answer with an image data URL whose base64 is invalid"),
    ]

    /// A valid 2×2 RGBA PNG (red, green / blue, half-transparent white), built in code:
    /// signature, IHDR, one IDAT holding a zlib stream of one stored deflate block, IEND,
    /// each chunk with its CRC-32.
    static let png: [UInt8] = makePNG(
        width: 2, height: 2,
        rgba: [
            0xFF, 0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00, 0xFF,
            0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x80,
        ])

    static var pngBase64: String { Data(png).base64EncodedString() }

    static var pngDataURL: String { "data:image/png;base64," + pngBase64 }

    /// The plan for `request` when it is one of the image routes; nil otherwise.
    static func plan(for request: RecordedRequest, chunks: CompletionBuilder, models: [FakeModel]) -> ResponsePlan? {
        switch (request.method, request.route) {
        case ("POST", "/chat/completions"):
            return chat(request, chunks: chunks, models: models)
        case ("POST", "/images/generations"), ("POST", "/v1/images/generations"):
            return generations(request)
        case ("GET", let route) where route.hasPrefix("/fake-images/") || route.hasPrefix("/v1/fake-images/"):
            return .body(status: 200, contentType: "image/png", body: png)
        default:
            return nil
        }
    }

    // MARK: - Chat completions

    private static func chat(_ request: RecordedRequest, chunks: CompletionBuilder, models: [FakeModel]) -> ResponsePlan? {
        guard let body = request.json, let model = body["model"] as? String else { return nil }
        let modalities = body["modalities"] as? [String] ?? ["text"]
        let outputs = models.first(where: { $0.id == model })?.outputModalities ?? []
        let imageOnly = outputs.contains("image") && !outputs.contains("text")
        let url: String
        switch model {
        case "fake/image": url = pngDataURL
        case "fake/image-invalid": url = "data:image/png;base64,iVBORw0K*not base64*"
        case _ where imageOnly && modalities.contains("text"):
            return .error(
                status: 404,
                message: "No endpoints found that support the requested output modalities: "
                    + modalities.joined(separator: ", "))
        case _ where modalities.contains("image") && (outputs.contains("image") || model == "google/gemini-2.5-flash-image"):
            url = pngDataURL
        default: return nil
        }
        let prompt = request.messages.last(where: { $0.role == "user" })?.content ?? ""
        let text = imageOnly ? "" : "Here is your image of " + (prompt.isEmpty ? "nothing in particular" : prompt) + "."
        let chunks = chunks.with(model: model)
        let image = JSONText.object([("type", .string("image_url")), ("image_url", .object([("url", .string(url))]))])
        let usage = FakeUsage(promptTokens: max(1, prompt.count / 4), completionTokens: 1290, cost: 0.039).caching(for: request)
        guard request.stream == true else {
            return .json(chunks.completion(content: text, usage: usage, extraMessage: [("images", .array([image]))]))
        }
        let events =
            (text.isEmpty ? [] : [chunks.chunk(delta: [("content", .string(text))])])
            + [chunks.chunk(delta: [("content", .string("")), ("images", .array([image]))], finishReason: "stop")]
            + [chunks.usageChunk(usage, withEmptyChoice: false)]
        return .eventStream(events.map { .data($0.encoded) }, options: StreamOptions())
    }

    // MARK: - OpenAI images API

    private static func generations(_ request: RecordedRequest) -> ResponsePlan {
        guard let authorization = request.header("Authorization"), authorization.hasPrefix("Bearer "),
            authorization.count > "Bearer ".count
        else {
            return openAIError(
                status: 401,
                message:
                    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
                type: "invalid_request_error")
        }
        guard let body = request.json else {
            return openAIError(status: 400, message: "We could not parse the JSON body of your request.", type: "invalid_request_error")
        }
        guard let prompt = body["prompt"] as? String, !prompt.isEmpty else {
            return openAIError(status: 400, message: "Missing required parameter: 'prompt'.", type: "invalid_request_error")
        }
        let model = body["model"] as? String ?? "dall-e-2"
        if model.hasPrefix("fake/error-"), let status = Int(model.dropFirst("fake/error-".count)), (400...599).contains(status) {
            return DefaultResponder.errorScenario(status: status, lastUser: prompt)
        }
        let count = max(1, min(4, body["n"] as? Int ?? 1))
        let created = Int(Date().timeIntervalSince1970)
        if model == "fake/image-none" {
            return .json(.object([("created", .int(created)), ("data", .array([]))]))
        }
        let wantsURL =
            (body["response_format"] as? String) == "url"
            || ((body["response_format"] as? String) == nil && (model.contains("url") || model.hasPrefix("dall-e")))
        let host = request.header("Host") ?? "127.0.0.1"
        let items: [JSONText] = (1...count).map { index in
            if wantsURL {
                return .object([
                    ("url", .string("http://\(host)/fake-images/img-\(created)-\(index).png")),
                    ("revised_prompt", .string("A picture of " + prompt)),
                ])
            }
            let data = model == "fake/image-invalid" ? "iVBORw0KGgo=AAAA" : pngBase64
            return .object([("b64_json", .string(data))])
        }
        return .json(.object([("created", .int(created)), ("data", .array(items))]))
    }

    /// OpenAI's error shape: `{"error":{"message","type","param","code"}}`.
    private static func openAIError(status: Int, message: String, type: String) -> ResponsePlan {
        .json(
            status: status,
            .object([
                (
                    "error",
                    .object([("message", .string(message)), ("type", .string(type)), ("param", .null), ("code", .null)])
                )
            ]))
    }

    // MARK: - PNG encoding

    /// A PNG of 8-bit RGBA pixels (`rgba.count == width * height * 4`), uncompressed
    /// (stored deflate blocks) but complete and valid.
    static func makePNG(width: Int, height: Int, rgba: [UInt8]) -> [UInt8] {
        precondition(rgba.count == width * height * 4)
        var raw: [UInt8] = []
        for row in 0..<height {
            raw.append(0)  // filter type None
            raw += rgba[(row * width * 4)..<((row + 1) * width * 4)]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, raw.count - offset)
            let isLast = offset + length == raw.count
            zlib.append(isLast ? 1 : 0)  // BFINAL, BTYPE 00 (stored)
            zlib += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + length)]
            offset += length
        } while offset < raw.count
        zlib += bigEndian(adler32(raw))

        var header: [UInt8] = bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 6, 0, 0, 0]  // bit depth 8, colour type 6 (RGBA), deflate, adaptive filter, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    private static func bigEndian(_ n: UInt32) -> [UInt8] {
        [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}

extension FakeOpenRouter {
    /// The PNG that the image routes send (a valid 2×2 RGBA image), for byte-for-byte checks.
    public static var imagePNG: [UInt8] { FakeImages.png }

    /// The base to give an OpenAI-compatible images client: `"http://127.0.0.1:PORT/v1"`
    /// (`POST {base}/images/generations`).
    public var openAIBaseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// The requests to the images API and to the served image files, in arrival order.
    public var imageRequests: [RecordedRequest] {
        requests.filter { $0.route.hasSuffix("/images/generations") || $0.route.contains("/fake-images/") }
    }

    /// The image scenario models (`fake/image`, `fake/image-invalid`), with what each does.
    public static var imageScenarios: [(model: String, effect: String)] { FakeImages.scenarios }
}
