import ChatCore
import ChatOpenRouter
import ChatStorage
import ChatTerminal

/// `/image`, `--image` and the images of normal answers: the generator the settings ask
/// for, the image folder, and the inline preview on terminals that show images.
struct ImageGeneration: ImageService {
    let launch: Launch
    /// Whether a preview may be drawn (an interactive colour terminal).
    let preview: Bool

    var store: ImageStore { ImageStore(directory: launch.settings.imageDir) }

    /// Generates and saves; the files' paths and the model's text, or one line.
    func generateAndSave(prompt: String) async -> Result<SavedImages, ServiceFailure> {
        let settings = launch.settings
        do {
            // The chat transport's client, when there is one (not for --image).
            let generator = try ImageGenerators.make(
                settings: settings, environment: launch.environment, logger: launch.wireLogger, http: launch.httpTransport?.http)
            let result = try await generator.generate(prompt: prompt)
            let paths = try store.save(result.images, prompt: prompt)
            InlineImagePreview.show(paths: paths, environment: launch.environment, enabled: preview)
            return .success(SavedImages(paths: paths, text: result.text, model: result.model))
        } catch let error as ServiceFailure {
            return .failure(error)
        } catch let error as ChatError {
            let errors = ErrorPresenter(keyVariable: ImageGenerators.keyVariable(for: settings))
            return .failure(ServiceFailure(errors.line(error, in: .images), exitCode: error.exitCode, underlying: error))
        } catch {
            // Not worded from its description: a library's may hold a header value (the key).
            return .failure(ServiceFailure("image generation failed", underlying: error))
        }
    }

    func generate(prompt: String) async -> Result<(shown: String, note: String), ServiceFailure> {
        await generateAndSave(prompt: prompt).map { saved in
            let text = saved.text.trimmingWhitespace()
            return (shown: saved.paths.joined(separator: "\n") + (text.isEmpty ? "" : "\n" + text), note: saved.historyNote)
        }
    }

    func save(answerImages: [String]) -> Result<[String], ServiceFailure> {
        do {
            return .success(try store.save(dataURLs: answerImages, prompt: "answer"))
        } catch {
            return .failure(error)
        }
    }
}
