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
    /// `architecture.input_modalities`: what the model accepts (`text`, `image`, `file`, `audio`, …).
    public var inputModalities: [String]
    /// `architecture.output_modalities`: what it produces (`text`, `image`, …).
    public var outputModalities: [String]

    /// Creates a model entry; it takes and gives text only unless told otherwise.
    public init(
        id: String, name: String, contextLength: Int, promptPrice: String, completionPrice: String,
        inputModalities: [String] = ["text"], outputModalities: [String] = ["text"]
    ) {
        self.id = id
        self.name = name
        self.contextLength = contextLength
        self.promptPrice = promptPrice
        self.completionPrice = completionPrice
        self.inputModalities = inputModalities
        self.outputModalities = outputModalities
    }

    /// The list served until ``FakeOpenRouter/setModels(_:)`` replaces it: real ids with
    /// realistic context lengths, prices and modalities. The image-only Flux model is listed
    /// only when asked for (`?output_modalities=image` or `all`), as on OpenRouter.
    public static let defaultModels: [FakeModel] = [
        FakeModel(
            id: "google/gemini-2.5-flash", name: "Google: Gemini 2.5 Flash",
            contextLength: 1_048_576, promptPrice: "0.0000003", completionPrice: "0.0000025",
            inputModalities: ["text", "image", "file", "audio"]),
        FakeModel(
            id: "openai/gpt-4o-mini", name: "OpenAI: GPT-4o-mini",
            contextLength: 128_000, promptPrice: "0.00000015", completionPrice: "0.0000006",
            inputModalities: ["text", "image", "file"]),
        FakeModel(
            id: "anthropic/claude-sonnet-4", name: "Anthropic: Claude Sonnet 4",
            contextLength: 200_000, promptPrice: "0.000003", completionPrice: "0.000015",
            inputModalities: ["text", "image", "file"]),
        FakeModel(
            id: "meta-llama/llama-3.1-8b-instruct", name: "Meta: Llama 3.1 8B Instruct",
            contextLength: 131_072, promptPrice: "0.00000002", completionPrice: "0.00000003"),
        FakeModel(
            id: "deepseek/deepseek-r1", name: "DeepSeek: R1",
            contextLength: 163_840, promptPrice: "0.0000004", completionPrice: "0.000002"),
        FakeModel(
            id: "google/gemini-2.5-flash-image", name: "Google: Gemini 2.5 Flash Image (Nano Banana)",
            contextLength: 32_768, promptPrice: "0.0000003", completionPrice: "0.0000025",
            inputModalities: ["text", "image"], outputModalities: ["image", "text"]),
        FakeModel(
            id: "black-forest-labs/flux.1-schnell", name: "Black Forest Labs: FLUX.1 [schnell]",
            contextLength: 77, promptPrice: "0", completionPrice: "0", outputModalities: ["image"]),
    ]

    /// The models of `models` that `GET /models` lists for its `output_modalities` query: a comma
    /// list, or `all`; without it, only models that output text.
    static func listed(_ models: [FakeModel], outputModalities query: String?) -> [FakeModel] {
        let wanted = Set((query ?? "text").split(separator: ",").map { String($0.filter { !$0.isWhitespace }) })
        if wanted.contains("all") { return models }
        return models.filter { !wanted.isDisjoint(with: $0.outputModalities) }
    }

    var json: JSONText {
        .object([
            ("id", .string(id)),
            ("name", .string(name)),
            ("context_length", .int(contextLength)),
            (
                "architecture",
                .object([
                    (
                        "modality",
                        .string(inputModalities.joined(separator: "+") + "->" + outputModalities.joined(separator: "+"))
                    ),
                    ("input_modalities", .array(inputModalities.map(JSONText.string))),
                    ("output_modalities", .array(outputModalities.map(JSONText.string))),
                ])
            ),
            ("pricing", .object([("prompt", .string(promptPrice)), ("completion", .string(completionPrice))])),
        ])
    }
}
