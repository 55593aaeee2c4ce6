extension ChatCompletionDecoder {
    /// The image URLs (normally `data:image/…;base64,…`) of one choice of an answer or of a
    /// stream chunk: `message.images[].image_url.url` or `delta.images[].image_url.url`, and
    /// `image_url` parts of an array `content`. Pure; never throws; unknown shapes are skipped.
    public static func images(fromChoice json: JSONValue) -> [String] {
        var urls: [String] = []
        for key in ["message", "delta"] {
            guard let message = json[key] else { continue }
            if case .array(let items)? = message["images"] {
                urls += items.compactMap(imageURL)
            }
            if case .array(let parts)? = message["content"] {
                urls += parts.compactMap { part in
                    guard case .string(let type)? = part["type"], type == "image_url" else { return nil }
                    return imageURL(part)
                }
            }
        }
        return urls
    }

    /// The image URLs of the first choice of a whole answer body or of one stream chunk's JSON;
    /// empty when the text is not JSON or carries no images.
    public static func images(fromBody body: [UInt8]) -> [String] {
        guard let json = try? JSONParser.parse(body) else { return [] }
        return images(fromAnswer: json)
    }

    /// The image URLs of one SSE `data:` payload (a stream chunk); empty for `[DONE]` or non-JSON.
    public static func images(fromChunk payload: String) -> [String] {
        guard payload.contains("image") else { return [] }  // skip parsing ordinary text chunks twice
        return images(fromBody: Array(payload.utf8))
    }

    /// The image URLs of the first choice of a parsed answer or chunk.
    public static func images(fromAnswer json: JSONValue) -> [String] {
        guard case .array(let choices)? = json["choices"], let choice = choices.first else { return [] }
        return images(fromChoice: choice)
    }

    /// `{"image_url":{"url":…}}`, `{"image_url":"…"}` or `{"url":…}`.
    private static func imageURL(_ item: JSONValue) -> String? {
        if case .string(let url)? = item["image_url"]?["url"] { return url }
        if case .string(let url)? = item["image_url"] { return url }
        if case .string(let url)? = item["url"] { return url }
        if case .string(let url) = item { return url }
        return nil
    }
}
