/// Sends chat requests somewhere and delivers the answer as events.
///
/// The core only knows this protocol; the HTTP transport and the offline responder
/// implement it in their own modules.
public protocol ChatTransport: Sendable {
    /// Sends `request` and yields the answer as it arrives. When `request.stream` is false
    /// the transport asks for the whole answer at once and yields it as events too.
    /// The stream finishes with a `ChatError` on failure; cancelling the consuming task
    /// cancels the request.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error>

    /// The models the service offers (`GET /models`).
    func listModels() async throws -> [ModelInfo]
    /// Every model, image-only ones included (`GET /models?output_modalities=all`).
    func listAllModels() async throws -> [ModelInfo]
    /// What OpenRouter recorded of a generation (`GET /generation?id=`).
    func generation(id: String) async throws -> GenerationInfo
}

extension ChatTransport {
    public func listAllModels() async throws -> [ModelInfo] { try await listModels() }

    public func generation(id: String) async throws -> GenerationInfo {
        throw ChatError.invalidRequest(reason: "generation records come from OpenRouter; not available here")
    }
}

extension ChatTransport {
    /// Sends `request` without streaming and returns the whole answer.
    public func complete(_ request: ChatRequest) async throws -> ChatResponse {
        var request = request
        request.stream = false
        var response = ChatResponse()
        for try await event in stream(request) {
            response.apply(event)
        }
        return response
    }
}

/// One entry of `GET /models`.
public struct ModelInfo: Sendable, Equatable, Codable {
    public var id: String
    public var name: String?
    public var contextLength: Int?
    /// USD per token.
    public var promptPrice: Double?
    /// USD per token.
    public var completionPrice: Double?
    /// `architecture.input_modalities`: `text`, `image`, `file`, `audio`, …; nil when unknown.
    public var inputModalities: [String]?
    /// `architecture.output_modalities`: `text`, `image`, …; nil when unknown.
    public var outputModalities: [String]?

    public init(id: String, name: String? = nil, contextLength: Int? = nil, promptPrice: Double? = nil, completionPrice: Double? = nil) {
        self.id = id
        self.name = name
        self.contextLength = contextLength
        self.promptPrice = promptPrice
        self.completionPrice = completionPrice
    }
}
