/// What a saved image request produced, for printing and for the conversation history.
public struct SavedImages: Sendable, Equatable {
    /// Paths of the files written, in the order the images came (relative when the image
    /// directory is relative).
    public var paths: [String]
    /// Text the model returned with the images (may be empty).
    public var text: String
    /// The model that answered, when known.
    public var model: String?

    public init(paths: [String], text: String = "", model: String? = nil) {
        self.paths = paths
        self.text = text
        self.model = model
    }

    /// A short note for the conversation history in place of the image data:
    /// `[image saved: images/a.png]`, then the model's text on the next line if there was any.
    public var historyNote: String {
        let list = "[image\(paths.count == 1 ? "" : "s") saved: \(paths.joined(separator: ", "))]"
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? list : list + "\n" + trimmed
    }
}
