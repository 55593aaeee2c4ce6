import Foundation

/// Writes files that may hold conversation text: mode 0600, atomically (a temp file in the
/// same directory, then rename), creating parent directories (0700) as needed.
public enum PrivateFile {
    public struct WriteError: Error, Sendable, Equatable {
        public var message: String
    }

    public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteError(message: "cannot create \(directory): \(error.localizedDescription)")
        }
        let temp = (directory.isEmpty ? "." : directory) + "/." + (path as NSString).lastPathComponent + ".\(ProcessInfo.processInfo.processIdentifier).tmp"
        guard FileManager.default.createFile(atPath: temp, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw WriteError(message: "cannot write \(path): permission denied or disk full")
        }
        // createFile's permissions are subject to the umask and an existing file keeps its mode.
        chmod(temp, 0o600)
        if rename(temp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw WriteError(message: "cannot write \(path): \(reason)")
        }
    }
}

/// The model list cached on disk for a limited time (for `/model` checks and completion,
/// and as a fallback when the network is down).
public struct ModelCache: Sendable {
    public var path: String
    public var maxAge: Double

    public init(path: String, maxAge: Double = 24 * 3600) {
        self.path = path
        self.maxAge = maxAge
    }

    /// The cached models and whether they are younger than `maxAge`; nil when there is no usable cache.
    public func load(now: Double = Date().timeIntervalSince1970) -> (models: [ModelInfo], fresh: Bool)? {
        guard let data = FileManager.default.contents(atPath: path),
            let json = try? JSONParser.parse(Array(data)),
            case .number(let savedAt)? = json["saved_at"],
            let models = ChatCompletionDecoder.models(fromJSON: json)
        else { return nil }
        return (models, now - savedAt < maxAge)
    }

    /// Saves `models` (best effort: a cache that cannot be written is not an error).
    public func save(_ models: [ModelInfo], now: Double = Date().timeIntervalSince1970) {
        let text = "{\"saved_at\":\(Int(now)),\"data\":\(ModelInfo.jsonArray(models))}"
        try? PrivateFile.write(Array(text.utf8), to: path)
    }
}
