/// One entry of the fake's `GET /models` list.
public struct FakeModel: Sendable, Equatable {
    /// The model id, such as `"openai/gpt-4o-mini"`.
    public var id: String
    /// The display name, such as `"OpenAI: GPT-4o-mini"`.
    public var name: String
    /// The context window in tokens.
    public var contextLength: Int
    /// USD per prompt token, as a decimal string (OpenRouter sends prices as strings).
    public var promptPrice: String
    /// USD per completion token, as a decimal string.
    public var completionPrice: String

    /// Creates a model entry.
    public init(id: String, name: String, contextLength: Int, promptPrice: String, completionPrice: String) {
        self.id = id
        self.name = name
        self.contextLength = contextLength
        self.promptPrice = promptPrice
        self.completionPrice = completionPrice
    }

    /// The list served until ``FakeOpenRouter/setModels(_:)`` replaces it: real ids with
    /// realistic context lengths and prices.
    public static let defaultModels: [FakeModel] = [
        FakeModel(
            id: "google/gemini-2.5-flash", name: "Google: Gemini 2.5 Flash",
            contextLength: 1_048_576, promptPrice: "0.0000003", completionPrice: "0.0000025"),
        FakeModel(
            id: "openai/gpt-4o-mini", name: "OpenAI: GPT-4o-mini",
            contextLength: 128_000, promptPrice: "0.00000015", completionPrice: "0.0000006"),
        FakeModel(
            id: "anthropic/claude-sonnet-4", name: "Anthropic: Claude Sonnet 4",
            contextLength: 200_000, promptPrice: "0.000003", completionPrice: "0.000015"),
        FakeModel(
            id: "meta-llama/llama-3.1-8b-instruct", name: "Meta: Llama 3.1 8B Instruct",
            contextLength: 131_072, promptPrice: "0.00000002", completionPrice: "0.00000003"),
        FakeModel(
            id: "deepseek/deepseek-r1", name: "DeepSeek: R1",
            contextLength: 163_840, promptPrice: "0.0000004", completionPrice: "0.000002"),
        FakeModel(
            id: "google/gemini-2.5-flash-image", name: "Google: Gemini 2.5 Flash Image (Nano Banana)",
            contextLength: 32_768, promptPrice: "0.0000003", completionPrice: "0.0000025"),
    ]

    var json: JSONText {
        .object([
            ("id", .string(id)),
            ("name", .string(name)),
            ("context_length", .int(contextLength)),
            ("pricing", .object([("prompt", .string(promptPrice)), ("completion", .string(completionPrice))])),
        ])
    }
}
