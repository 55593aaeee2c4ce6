import ChatCore
import ChatOpenRouter
import ChatStorage

// What `/image` does with a generator and the image folder (the executable's
// ImageGeneration), for tests that check both halves together.

extension ImageGenerator {
    func generateAndSave(prompt: String, store: ImageStore) async throws -> SavedImages {
        let result = try await generate(prompt: prompt)
        let paths = try store.save(result.images, prompt: prompt)
        return SavedImages(paths: paths, text: result.text, model: result.model)
    }
}

func generateAndSave(prompt: String, generator: any ImageGenerator, store: ImageStore) async throws -> SavedImages {
    try await generator.generateAndSave(prompt: prompt, store: store)
}
