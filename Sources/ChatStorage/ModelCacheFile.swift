import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The model list cached on disk for a limited time (for `/model` checks and completion,
/// and as a fallback when the network is down).
public struct ModelCacheFile: ModelCacheStore {
    public var path: String
    public var maxAge: Double

    public init(path: String, maxAge: Double = 24 * 3600) {
        self.path = path
        self.maxAge = maxAge
    }

    /// The file's shape: our own, so a change in the API's list does not break it.
    private struct File: Codable {
        struct Model: Codable {
            var id: String
            var name: String?
            var context_length: Int?
            var prompt_price: Double?
            var completion_price: Double?
            var input_modalities: [String]?
            var output_modalities: [String]?
        }
        var saved_at: Double
        var data: [Model]
    }

    /// The cached models and whether they are younger than `maxAge`; nil when there is no usable cache.
    public func load(now: Double) -> (models: [ModelInfo], fresh: Bool)? {
        guard let bytes = try? FileBytes.contents(of: path, maxBytes: 64 * 1024 * 1024),
            let file = try? JSONDecoder().decode(File.self, from: Data(bytes)), file.saved_at.isFinite
        else { return nil }
        let models = file.data.map { item in
            var model = ModelInfo(
                id: item.id, name: item.name, contextLength: item.context_length, promptPrice: item.prompt_price,
                completionPrice: item.completion_price)
            model.inputModalities = item.input_modalities
            model.outputModalities = item.output_modalities
            return model
        }
        return (models, now - file.saved_at < maxAge)
    }

    /// Saves `models` (best effort: a cache that cannot be written is not an error).
    public func save(_ models: [ModelInfo], now: Double) {
        let file = File(
            saved_at: now.rounded(.down),
            data: models.map {
                .init(
                    id: $0.id, name: $0.name, context_length: $0.contextLength, prompt_price: $0.promptPrice,
                    completion_price: $0.completionPrice, input_modalities: $0.inputModalities, output_modalities: $0.outputModalities)
            })
        guard let data = try? JSONEncoder().encode(file) else { return }
        try? PrivateFile.write(Array(data), to: path)
    }
}
