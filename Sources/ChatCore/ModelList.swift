#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The body of `GET /models`, `{"data":[{"id","name","context_length","pricing":{"prompt","completion"}}]}`,
/// and of the model cache on disk, which adds `saved_at`; decoded with `Codable`.
///
/// Leniently, as every server answer is read: an entry without a string `id` is skipped, a
/// field of another type is absent, prices may be strings or numbers and must be sane amounts
/// (`"nan"`, `"inf"` and `1e400` are not), and `context_length` is a whole number (a
/// fraction is rounded) or absent. No number traps.
public struct ModelList: Sendable, Equatable {
    public var models: [ModelInfo]
    /// `saved_at` of the cache (seconds since 1970); nil in a server's answer.
    public var savedAt: Double?

    public init(models: [ModelInfo], savedAt: Double? = nil) {
        self.models = models
        self.savedAt = savedAt
    }

    /// Decodes a model list; anything but a JSON object with a `data` array is
    /// `ChatError.malformedResponse`.
    public init(decoding body: [UInt8]) throws(ChatError) {
        let decoded: Wire
        do {
            decoded = try JSONDecoder().decode(Wire.self, from: Data(body))
        } catch {
            throw .malformedResponse("the model list is not {\"data\":[...]}")
        }
        guard let entries = decoded.data else { throw .malformedResponse("the model list is not {\"data\":[...]}") }
        self.init(models: entries.compactMap(\.model), savedAt: decoded.savedAt)
    }

    private struct Wire: Decodable {
        var data: [Entry]?
        var savedAt: Double?

        enum CodingKeys: String, CodingKey {
            case data, savedAt = "saved_at"
        }

        init(from decoder: any Decoder) throws {
            guard let list = try? decoder.container(keyedBy: CodingKeys.self) else { return }
            data = (try? list.decodeIfPresent([Entry].self, forKey: .data)) ?? nil
            savedAt = (try? list.decodeIfPresent(Double.self, forKey: .savedAt)) ?? nil
        }
    }

    /// One entry; `model` is nil when it has no id (or is not an object).
    private struct Entry: Decodable {
        var model: ModelInfo?

        enum CodingKeys: String, CodingKey {
            case id, name, contextLength = "context_length", pricing, architecture
            /// The cache's own names for the modalities (it stores them flat).
            case inputModalities = "input_modalities", outputModalities = "output_modalities"
        }

        enum ArchitectureKeys: String, CodingKey {
            case inputModalities = "input_modalities", outputModalities = "output_modalities"
        }

        enum PriceKeys: String, CodingKey {
            case prompt, completion
        }

        init(from decoder: any Decoder) throws {
            guard let entry = try? decoder.container(keyedBy: CodingKeys.self),
                let id = (try? entry.decodeIfPresent(String.self, forKey: .id)) ?? nil
            else { return }
            var model = ModelInfo(id: id)
            model.name = (try? entry.decodeIfPresent(String.self, forKey: .name)) ?? nil
            // A number too large for Double fails to decode, and so is absent; Int(exactly:)
            // takes only what fits.
            if let length = (try? entry.decodeIfPresent(Double.self, forKey: .contextLength)) ?? nil {
                model.contextLength = Int(exactly: length.rounded())
            }
            if let architecture = try? entry.nestedContainer(keyedBy: ArchitectureKeys.self, forKey: .architecture) {
                model.inputModalities = (try? architecture.decodeIfPresent([String].self, forKey: .inputModalities)) ?? nil
                model.outputModalities = (try? architecture.decodeIfPresent([String].self, forKey: .outputModalities)) ?? nil
            }
            if let pricing = try? entry.nestedContainer(keyedBy: PriceKeys.self, forKey: .pricing) {
                model.promptPrice = Self.price(pricing, .prompt)
                model.completionPrice = Self.price(pricing, .completion)
            }
            self.model = model
        }

        /// A price given as a string (as OpenRouter sends it) or a number.
        private static func price(_ pricing: KeyedDecodingContainer<PriceKeys>, _ key: PriceKeys) -> Double? {
            if let text = (try? pricing.decodeIfPresent(String.self, forKey: key)) ?? nil {
                return ChatCompletionDecoder.money(Double(text))
            }
            return ChatCompletionDecoder.money((try? pricing.decodeIfPresent(Double.self, forKey: key)) ?? nil)
        }
    }
}

extension ChatCompletionDecoder {
    /// Decodes `GET /models` (see ``ModelList``).
    public static func models(fromBody body: [UInt8]) throws(ChatError) -> [ModelInfo] {
        try ModelList(decoding: body).models
    }
}
