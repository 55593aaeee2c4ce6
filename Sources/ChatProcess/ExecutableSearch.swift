#if canImport(Glibc)
import Glibc
#endif

/// Finding a program to start: what counts as one, and the search of `PATH`.
public enum ExecutableSearch {
    /// Whether `path` is a regular file we may execute. A folder has the x bit too, but
    /// starting it fails: it is not what a search is looking for.
    public static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }

    /// The first `FOLDER/name` that is an executable file, for the folders of `searchPath`
    /// (colon-separated, as `PATH`; empty entries skipped) in order; nil when none is.
    ///
    /// - Parameter onlyAbsolute: skips folders that are not absolute paths, whose meaning
    ///   would change with the working directory.
    public static func find(_ name: String, searchPath: String, onlyAbsolute: Bool = false) -> String? {
        for folder in searchPath.split(separator: ":", omittingEmptySubsequences: true) where !onlyAbsolute || folder.hasPrefix("/") {
            let candidate = folder + "/" + name
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }
}
