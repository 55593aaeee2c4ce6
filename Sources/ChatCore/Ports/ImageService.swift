/// Image generation (`/image`) and saving the images an answer carries.
public protocol ImageService: Sendable {
    /// Generates images for `prompt` and saves them; returns the lines to show (paths, then
    /// the model's text) and a short note for the conversation history.
    func generate(prompt: String) async -> Result<(shown: String, note: String), ServiceFailure>
    /// Saves images that came with an answer (data URLs); returns the file paths.
    func save(answerImages: [String]) -> Result<[String], ServiceFailure>
}
