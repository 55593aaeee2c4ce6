/// Web search in the fake: a request that turns it on gets two `url_citation` annotations with
/// its answer, as OpenRouter's `web` plugin adds them.
enum WebCitations {
    /// The sources every searched answer cites.
    static let sources: [(url: String, title: String, content: String)] = [
        ("https://example.com/a", "Example A", "The first search result, quoted by the fake."),
        ("https://example.org/b", "Example B", "The second search result, quoted by the fake."),
    ]

    /// Whether `request` searches the web: `plugins` holds `{"id":"web"}` (any model), or the
    /// model is `fake/web` or has the `:online` suffix.
    static func isRequested(by request: RecordedRequest) -> Bool {
        let model = request.model ?? ""
        if model == "fake/web" || model.hasSuffix(":online") { return true }
        let plugins = request.json?["plugins"] as? [[String: Any]] ?? []
        return plugins.contains { $0["id"] as? String == "web" }
    }

    /// The annotations for an answer of `text`: the first source cites its first half, the
    /// second its second half (character indices).
    static func annotations(for text: String) -> [JSONText] {
        let half = text.count / 2
        let ranges = [(0, half), (half, text.count)]
        return zip(sources, ranges).map { source, range in
            .object([
                ("type", .string("url_citation")),
                (
                    "url_citation",
                    .object([
                        ("url", .string(source.url)),
                        ("title", .string(source.title)),
                        ("content", .string(source.content)),
                        ("start_index", .int(range.0)),
                        ("end_index", .int(range.1)),
                    ])
                ),
            ])
        }
    }
}
