import ChatStorage
import Foundation
import TestSupport
import Testing

@testable import ChatCore

private func cleanup(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

private func contents(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}

private func listing(_ directory: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
}

/// A known-valid 1×1 PNG.
private let onePixelPNGBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
private let onePixelPNG = Array(Data(base64Encoded: onePixelPNGBase64)!)

/// 2026-11-25 14:30:12 local time.
private let fixedDate: Date = {
    var components = DateComponents()
    (components.year, components.month, components.day) = (2026, 11, 25)
    (components.hour, components.minute, components.second) = (14, 30, 12)
    return Calendar.current.date(from: components)!
}()

@Suite struct ImageOutputTests {
    // MARK: Data URLs and base64

    @Test func decodesAPNGDataURL() throws {
        let image = try GeneratedImage(dataURL: "data:image/png;base64," + onePixelPNGBase64)
        #expect(image.bytes == onePixelPNG)
        #expect(image.mimeType == "image/png")
        #expect(image.format == .png)
        #expect(image.format?.fileExtension == "png")
    }

    @Test func mapsMediaTypesToExtensions() {
        #expect(ImageFormat(mimeType: "image/png")?.fileExtension == "png")
        #expect(ImageFormat(mimeType: "image/jpeg")?.fileExtension == "jpg")
        #expect(ImageFormat(mimeType: "IMAGE/JPG")?.fileExtension == "jpg")
        #expect(ImageFormat(mimeType: "image/webp")?.fileExtension == "webp")
        #expect(ImageFormat(mimeType: "image/gif; charset=binary")?.fileExtension == "gif")
        #expect(ImageFormat(mimeType: "image/tiff") == nil)
        #expect(ImageFormat(mimeType: "text/plain") == nil)
    }

    @Test func sniffsFormatsFromSignatures() {
        #expect(ImageFormat(sniffing: onePixelPNG) == .png)
        #expect(ImageFormat(sniffing: [0xFF, 0xD8, 0xFF, 0xE0, 0, 0]) == .jpeg)
        #expect(ImageFormat(sniffing: Array("GIF89a....".utf8)) == .gif)
        #expect(ImageFormat(sniffing: Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8)) == .webp)
        #expect(ImageFormat(sniffing: Array("hello".utf8)) == nil)
    }

    @Test func eachTypeDecodesWithItsExtension() throws {
        let cases: [(String, [UInt8], String)] = [
            ("image/jpeg", [0xFF, 0xD8, 0xFF, 0xDB, 1, 2], "jpg"),
            ("image/webp", Array("RIFF\u{4}\u{0}\u{0}\u{0}WEBPVP8L".utf8), "webp"),
            ("image/gif", Array("GIF87a\u{1}\u{0}".utf8), "gif"),
        ]
        for (type, bytes, ext) in cases {
            let image = try GeneratedImage(dataURL: "data:\(type);base64,\(StrictBase64.encode(bytes))")
            #expect(image.bytes == bytes)
            #expect(image.format?.fileExtension == ext)
        }
    }

    @Test func unknownTypeIsAClearError() {
        let error = #expect(throws: ServiceFailure.self) {
            try GeneratedImage(dataURL: "data:image/tiff;base64,AAAA")
        }
        #expect(error?.message.contains("unknown image type \"image/tiff\"") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test func octetStreamWithImageBytesIsAccepted() throws {
        let image = try GeneratedImage(dataURL: "data:application/octet-stream;base64," + onePixelPNGBase64)
        #expect(image.format == .png)
        #expect(image.mimeType == "image/png")
    }

    @Test func nonBase64AndNonDataURLsAreErrors() {
        let notBase64 = #expect(throws: ServiceFailure.self) { try GeneratedImage(dataURL: "data:image/png,rawbytes") }
        #expect(notBase64?.message.contains("not base64-encoded") == true)
        let notData = #expect(throws: ServiceFailure.self) { try GeneratedImage(dataURL: "https://example.com/a.png") }
        #expect(notData?.message.contains("not a data: URL") == true)
        let noComma = #expect(throws: ServiceFailure.self) { try GeneratedImage(dataURL: "data:image/png;base64") }
        #expect(noComma?.message.contains("','") == true)
    }

    @Test func invalidBase64InADataURLIsAClearError() {
        let error = #expect(throws: ServiceFailure.self) {
            try GeneratedImage(dataURL: "data:image/png;base64,iVBORw0K*not base64*")
        }
        #expect(error?.message == "invalid base64 in the image data: '*' at position 9 of 20")
    }

    @Test func strictBase64AcceptsTheRFCVectors() throws {
        let vectors = ["f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(try StrictBase64.decode(encoded) == Array(plain.utf8))
            #expect(StrictBase64.encode(Array(plain.utf8)) == encoded)
        }
        // Unpadded text is accepted.
        #expect(try StrictBase64.decode("Zg") == Array("f".utf8))
        #expect(try StrictBase64.decode("Zm8") == Array("fo".utf8))
    }

    @Test func strictBase64RoundTripsAgainstFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 3, 4, 5, 100, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Data(bytes).base64EncodedString()
            #expect(StrictBase64.encode(bytes) == encoded)
            #expect(try StrictBase64.decode(encoded) == bytes)
        }
    }

    @Test(arguments: [
        ("", "empty"),
        ("Zm9v!", "'!' at position 5"),
        ("Zm 9v", "a space at position 3"),
        ("Zm9v\nYmFy", "a line break at position 5"),
        ("Z", "is not possible"),
        ("Zm9vY", "is not possible"),
        ("Zg=", "padding"),
        ("Zm9v=", "padding"),
        ("Zm9v==", "padding"),
        ("Z=g=", "'=' before the end"),
        ("===", "'=' before the end"),
        ("Zh==", "unused bits"),
        ("Zm9=", "unused bits"),
        ("Zm9vÿ", "byte 0xC3"),
    ])
    func strictBase64RejectsBadInput(input: String, expected: String) {
        let error = #expect(throws: ServiceFailure.self) { try StrictBase64.decode(input) }
        #expect(error?.message.contains(expected) == true, "\(input): \(error?.message ?? "no error")")
    }

    // MARK: Finding images in answers

    @Test func findsImagesInMessageDeltaAndContentParts() throws {
        let answer = try JSONParser.parse(
            #"""
            {"choices":[{"message":{"role":"assistant","content":"Here you go","images":[
              {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}},
              {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,BBBB"}}]}}]}
            """#)
        #expect(ChatCompletionDecoder.images(fromAnswer: answer) == ["data:image/png;base64,AAAA", "data:image/jpeg;base64,BBBB"])
        guard case .array(let choices)? = answer["choices"] else {
            Issue.record("no choices")
            return
        }
        #expect(ChatCompletionDecoder.images(fromChoice: choices[0]).count == 2)

        let chunk =
            #"{"choices":[{"index":0,"delta":{"content":"","images":[{"type":"image_url","image_url":{"url":"data:image/png;base64,CCCC"}}]}}]}"#
        #expect(ChatCompletionDecoder.images(fromChunk: chunk) == ["data:image/png;base64,CCCC"])

        let parts =
            #"{"choices":[{"message":{"content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/gif;base64,DDDD"}}]}}]}"#
        #expect(ChatCompletionDecoder.images(fromBody: Array(parts.utf8)) == ["data:image/gif;base64,DDDD"])
    }

    @Test func answersWithoutImagesGiveNone() {
        #expect(ChatCompletionDecoder.images(fromChunk: #"{"choices":[{"delta":{"content":"text"}}]}"#).isEmpty)
        #expect(ChatCompletionDecoder.images(fromChunk: "[DONE]").isEmpty)
        #expect(ChatCompletionDecoder.images(fromChunk: #"{"choices":[{"delta":{"images":"not an array"}}]}"#).isEmpty)
        #expect(ChatCompletionDecoder.images(fromBody: Array("not json images".utf8)).isEmpty)
        #expect(ChatCompletionDecoder.images(fromChunk: #"{"choices":[],"usage":{"prompt_tokens":1}}"#).isEmpty)
        #expect(ChatCompletionDecoder.images(fromChoice: .null).isEmpty)
    }

    // MARK: Saving

    @Test func savesByteIdenticalFilesWithReadableNames() throws {
        let directory = try TemporaryDirectory(prefix: "image-output-tests").path
        defer { cleanup(directory) }
        let store = ImageStore(directory: directory, now: { fixedDate })
        let path = try store.save(GeneratedImage(mimeType: "image/png", bytes: onePixelPNG), prompt: "A cat in a hat!")
        #expect(path == directory + "/2026-11-25_143012_a-cat-in-a-hat.png")
        #expect(contents(path) == onePixelPNG)
    }

    @Test func repeatedPromptsGetUniqueNamesAndNothingElseIsWritten() throws {
        let directory = try TemporaryDirectory(prefix: "image-output-tests").path
        defer { cleanup(directory) }
        let store = ImageStore(directory: directory, now: { fixedDate })
        var paths: [String] = []
        for i in 0..<3 {
            let bytes = onePixelPNG + [UInt8(i)]
            paths.append(try store.save(GeneratedImage(mimeType: "image/png", bytes: bytes), prompt: "a cat"))
        }
        #expect(
            paths.map { ($0 as NSString).lastPathComponent } == [
                "2026-11-25_143012_a-cat.png", "2026-11-25_143012_a-cat-2.png", "2026-11-25_143012_a-cat-3.png",
            ])
        for (i, path) in paths.enumerated() { #expect(contents(path) == onePixelPNG + [UInt8(i)]) }
        // Two images of one answer, and a JPEG: same stem, own extension.
        let more = try store.save(
            [
                GeneratedImage(mimeType: "image/png", bytes: onePixelPNG),
                GeneratedImage(mimeType: "image/jpeg", bytes: [0xFF, 0xD8, 0xFF, 0xE0]),
            ], prompt: "a cat")
        #expect(more.map { ($0 as NSString).lastPathComponent } == ["2026-11-25_143012_a-cat-4.png", "2026-11-25_143012_a-cat.jpg"])
        // Image files only: no sidecars, no temporary files.
        #expect(listing(directory).allSatisfy { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") })
        #expect(listing(directory).count == 5)
    }

    @Test func concurrentWritersNeverOverwriteEachOther() async throws {
        let directory = try TemporaryDirectory(prefix: "image-output-tests").path
        defer { cleanup(directory) }
        let store = ImageStore(directory: directory, now: { fixedDate })
        let count = 24
        let results = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<count {
                group.addTask {
                    (
                        i,
                        try store.save(
                            GeneratedImage(mimeType: "image/png", bytes: onePixelPNG + Array(repeating: UInt8(i), count: 1000)),
                            prompt: "same prompt")
                    )
                }
            }
            var results: [(Int, String)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(Set(results.map(\.1)).count == count)
        for (i, path) in results {
            #expect(contents(path) == onePixelPNG + Array(repeating: UInt8(i), count: 1000))
        }
        #expect(listing(directory).count == count)
    }

    @Test func createsAMissingDirectoryAndResolvesRelativePathsFromTheCurrentDirectory() throws {
        let base = try TemporaryDirectory(prefix: "image-output-tests").path
        defer { cleanup(base) }
        // A relative path from the current directory to base/new/nested.
        let cwd = FileManager.default.currentDirectoryPath
        let depth = cwd.split(separator: "/").count
        let relative = String(repeating: "../", count: depth) + base.drop(while: { $0 == "/" }) + "/new/nested"
        let store = ImageStore(directory: relative, now: { fixedDate })
        let path = try store.save(GeneratedImage(mimeType: "image/gif", bytes: Array("GIF89a".utf8)), prompt: "dog")
        #expect(path == relative + "/2026-11-25_143012_dog.gif")
        #expect(contents(base + "/new/nested/2026-11-25_143012_dog.gif") == Array("GIF89a".utf8))
    }

    @Test func aDirectoryUnderARegularFileIsAClearError() throws {
        let base = try TemporaryDirectory(prefix: "image-output-tests").path
        defer { cleanup(base) }
        let file = base + "/plain.txt"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        let store = ImageStore(directory: file + "/images")
        let error = #expect(throws: ServiceFailure.self) {
            try store.save(GeneratedImage(mimeType: "image/png", bytes: onePixelPNG), prompt: "x")
        }
        #expect(error?.message == "cannot create the image directory \(file)/images: \(file) is not a directory; check image_dir")
        // The directory itself a regular file.
        let direct = #expect(throws: ServiceFailure.self) {
            try ImageStore(directory: file).save(GeneratedImage(mimeType: "image/png", bytes: onePixelPNG), prompt: "x")
        }
        #expect(direct?.message.contains("is not a directory") == true)
        #expect(contents(file) == Array("x".utf8))
    }

    @Test func unknownTypesAreNotSaved() throws {
        let directory = try TemporaryDirectory(prefix: "image-output-tests").path
        defer { cleanup(directory) }
        let store = ImageStore(directory: directory + "/out")
        let error = #expect(throws: ServiceFailure.self) {
            try store.save(
                [GeneratedImage(mimeType: "image/png", bytes: onePixelPNG), GeneratedImage(mimeType: "image/tiff", bytes: [1, 2, 3])],
                prompt: "x")
        }
        #expect(error?.message.contains("unknown image type \"image/tiff\"") == true)
        #expect(listing(directory + "/out").isEmpty)
    }

    @Test func savingDataURLsDecodesAllBeforeWritingAny() throws {
        let directory = try TemporaryDirectory(prefix: "image-output-tests").path
        defer { cleanup(directory) }
        let store = ImageStore(directory: directory, now: { fixedDate })
        #expect(throws: ServiceFailure.self) {
            try store.save(dataURLs: ["data:image/png;base64," + onePixelPNGBase64, "data:image/png;base64,%%%"], prompt: "p")
        }
        #expect(listing(directory).isEmpty)
        let paths = try store.save(dataURLs: ["data:image/png;base64," + onePixelPNGBase64], prompt: "p")
        #expect(paths.count == 1)
        #expect(contents(paths[0]) == onePixelPNG)
    }

    @Test func slugsAreReadableAndSafe() {
        #expect(ImageStore.slug("A cat in a hat!") == "a-cat-in-a-hat")
        #expect(ImageStore.slug("  ../../etc/passwd  ") == "etc-passwd")
        #expect(ImageStore.slug("Кот в шляпе, 2 штуки") == "кот-в-шляпе-2-штуки")
        #expect(ImageStore.slug("🙂🙂") == "image")
        #expect(ImageStore.slug("") == "image")
        #expect(ImageStore.slug("snake_case and CamelCase") == "snake-case-and-camelcase")
        let long = ImageStore.slug(String(repeating: "word ", count: 40))
        #expect(long.count <= 48)
        #expect(!long.hasSuffix("-"))
        #expect(long.hasPrefix("word-word"))
        let unbroken = ImageStore.slug(String(repeating: "x", count: 100))
        #expect(unbroken.count == 48)
    }

    @Test func homeDirectoryIsExpanded() {
        let store = ImageStore(directory: "~/pictures/")
        #expect(!store.resolvedDirectory.hasPrefix("~"))
        #expect(store.resolvedDirectory.hasSuffix("/pictures"))
        #expect(ImageStore(directory: "images/").resolvedDirectory == "images")
    }

    @Test func historyNoteIsShortAndHasNoImageData() {
        let saved = SavedImages(paths: ["images/a.png"], text: "  A cat.  ", model: "m")
        #expect(saved.historyNote == "[image saved: images/a.png]\nA cat.")
        #expect(SavedImages(paths: ["a.png", "b.png"]).historyNote == "[images saved: a.png, b.png]")
    }

    @Test func imageErrorsAreOneLine() {
        let error = ServiceFailure("something failed")
        #expect(error.description == "something failed")
        #expect(error.exitCode == 1)
    }
}
