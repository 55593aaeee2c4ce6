import ChatCore
import Foundation
import Testing

@testable import ChatStorage

@Suite struct ModelCacheFileTests {
    @Test func theCacheRoundTripsWithItsSaveTime() throws {
        let path = NSTemporaryDirectory() + "model-list-tests-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let models = [
            ModelInfo(id: "a/b", name: "A B", contextLength: 128000, promptPrice: 3e-07, completionPrice: 0.0000025), ModelInfo(id: "c/d"),
        ]
        let cache = ModelCacheFile(path: path, maxAge: 100)
        cache.save(models, now: 1_000)
        let loaded = try #require(cache.load(now: 1_050))
        #expect(loaded.models == models)
        #expect(loaded.fresh)
        #expect(cache.load(now: 1_200)?.fresh == false)
        // A file without its save time is no cache.
        try Data(#"{"data":[]}"#.utf8).write(to: URL(fileURLWithPath: path))
        #expect(cache.load(now: 1_050) == nil)
    }
}
