import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes image files into one directory with unique, readable names such as
/// `2026-11-25_143012_a-cat-in-a-hat.png` (`-2`, `-3`, … on a collision). Files are created
/// with `O_EXCL`, so concurrent writers never overwrite each other; nothing but the image
/// files is written there.
public struct ImageStore: Sendable {
    /// The directory as configured (`image_dir`); relative paths are relative to the current
    /// directory, and a leading `~/` is the home directory.
    public var directory: String
    /// The clock that stamps file names.
    public var now: @Sendable () -> Date
    /// The home directory, for a leading `~/`.
    public var home: String
    /// The longest slug taken from the prompt, in characters.
    public var maxSlugLength: Int

    public init(
        directory: String, home: String = PathExpansion.homeDirectory() ?? "", maxSlugLength: Int = 48,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.directory = directory
        self.home = home
        self.maxSlugLength = maxSlugLength
        self.now = now
    }

    /// The directory with `~` expanded and trailing slashes removed.
    public var resolvedDirectory: String {
        var path = directory
        if path == "~" || path.hasPrefix("~/") {
            path = home + path.dropFirst()
        }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path.isEmpty ? "." : path
    }

    /// Saves every image (decoding all first, so a bad one saves nothing) and returns the paths.
    public func save(_ images: [GeneratedImage], prompt: String) throws(ServiceFailure) -> [String] {
        var named: [(GeneratedImage, ImageFormat)] = []
        for image in images {
            guard let format = image.format else {
                throw ServiceFailure(
                    "unknown image type \"\(GeneratedImage.preview(image.mimeType, 40))\"; expected image/png, image/jpeg, image/webp or image/gif"
                )
            }
            named.append((image, format))
        }
        var paths: [String] = []
        for (image, format) in named {
            paths.append(try writeFile(image.bytes, fileExtension: format.fileExtension, prompt: prompt))
        }
        return paths
    }

    /// Saves one image and returns its path.
    public func save(_ image: GeneratedImage, prompt: String) throws(ServiceFailure) -> String {
        try save([image], prompt: prompt)[0]
    }

    /// Decodes data URLs (as found by `ChatCompletionDecoder.images(fromChoice:)`) and saves
    /// them; a URL that is not valid saves nothing.
    public func save(dataURLs: [String], prompt: String) throws(ServiceFailure) -> [String] {
        var images: [GeneratedImage] = []
        for url in dataURLs { images.append(try GeneratedImage(dataURL: url)) }
        return try save(images, prompt: prompt)
    }

    /// The file name stem for `prompt` at `date`: `YYYY-MM-DD_HHMMSS_slug` in local time.
    public func baseName(prompt: String, date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : String(n) }
        let stamp =
            "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))_\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
        return stamp + "_" + Self.slug(prompt, maxLength: maxSlugLength)
    }

    /// A readable file-name piece from a prompt: letters and digits lowercased (any script),
    /// everything else a single `-`, at most `maxLength` characters cut at a word boundary
    /// when one is near; `image` when nothing is left.
    public static func slug(_ prompt: String, maxLength: Int = 48) -> String {
        var out = ""
        var pendingDash = false
        for character in prompt {
            let keep = character.unicodeScalars.allSatisfy {
                $0.properties.isAlphabetic || $0.properties.numericType == .decimal || $0.properties.generalCategory == .nonspacingMark
            }
            if keep {
                if pendingDash && !out.isEmpty { out.append("-") }
                pendingDash = false
                out += character.lowercased()
            } else {
                pendingDash = true
            }
        }
        if out.count > maxLength {
            var cut = String(out.prefix(maxLength))
            if let dash = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: dash) >= maxLength / 2 {
                cut = String(cut[..<dash])
            }
            out = cut
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "image" : out
    }

    private func writeFile(_ bytes: [UInt8], fileExtension: String, prompt: String) throws(ServiceFailure) -> String {
        let directory = resolvedDirectory
        try Self.makeDirectory(directory)
        let base = baseName(prompt: prompt, date: now())
        var attempt = 1
        while true {
            let name = base + (attempt == 1 ? "" : "-\(attempt)") + "." + fileExtension
            let path = directory + "/" + name
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd < 0 {
                let code = errno
                if code == EEXIST && attempt < 10_000 {
                    attempt += 1
                    continue
                }
                if code == EINTR { continue }
                throw ServiceFailure(
                    "cannot write an image file in \(Self.shown(directory)): \(String(cString: strerror(code))); check image_dir")
            }
            var written = 0
            while written < bytes.count {
                let n = bytes.withUnsafeBytes { buffer in
                    write(fd, buffer.baseAddress! + written, buffer.count - written)
                }
                if n < 0 {
                    let code = errno
                    if code == EINTR { continue }
                    close(fd)
                    unlink(path)
                    throw ServiceFailure("cannot write \(path): \(String(cString: strerror(code)))")
                }
                written += n
            }
            if close(fd) != 0 {
                let code = errno
                unlink(path)
                throw ServiceFailure("cannot write \(path): \(String(cString: strerror(code)))")
            }
            return path
        }
    }

    /// `mkdir -p` with one-line errors that name the directory and the reason.
    static func makeDirectory(_ path: String) throws(ServiceFailure) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & 0o170000 == 0o040000 else {
                throw ServiceFailure("cannot save images in \(shown(path)): it exists and is not a directory; check image_dir")
            }
            return
        }
        // Create each missing ancestor in turn.
        var prefix = path.hasPrefix("/") ? "" : "."
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        for (index, component) in components.enumerated() {
            prefix = index == 0 && !path.hasPrefix("/") ? String(component) : prefix + "/" + component
            if mkdir(prefix, 0o755) == 0 { continue }
            let code = errno
            if code == EEXIST, stat(prefix, &info) == 0, info.st_mode & 0o170000 == 0o040000 { continue }
            let reason =
                code == EEXIST
                ? "\(prefix) is not a directory"
                : (prefix == path ? "" : "\(prefix): ") + String(cString: strerror(code))
            throw ServiceFailure("cannot create the image directory \(shown(path)): \(reason); check image_dir")
        }
    }

    static func shown(_ path: String) -> String {
        path.contains(" ") ? "\"\(path)\"" : path
    }
}
