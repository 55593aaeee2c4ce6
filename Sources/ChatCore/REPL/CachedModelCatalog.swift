import Synchronization

/// The model list policy: a cached list younger than a day is used as it is; an older one
/// (or none) is refreshed from `GET /models` — in the background at start, so the prompt
/// never waits — and saved; when the refresh fails, the stale copy is used with a note.
public final class CachedModelCatalog: ModelCatalog {
    private let transport: any ChatTransport
    private let cache: (any ModelCacheStore)?
    private let now: @Sendable () -> Double
    private let state = Mutex<[ModelInfo]?>(nil)

    /// - Parameter cache: nil when there is nothing to cache (the offline responder).
    public init(transport: any ChatTransport, cache: (any ModelCacheStore)?, now: @escaping @Sendable () -> Double) {
        self.transport = transport
        self.cache = cache
        self.now = now
        if let cached = cache?.load(now: now()), cached.fresh { state.withLock { $0 = cached.models } }
    }

    /// Fetches the list in the background when no fresh one is known (interactive starts).
    public func refreshInBackground() {
        guard known() == nil, cache != nil else { return }
        Task.detached { [self] in _ = await fetchFromServer() }
    }

    public func known() -> [ModelInfo]? {
        state.withLock { $0 }
    }

    public func fetch() async -> (models: [ModelInfo], note: String?)? {
        if let known = known() { return (known, nil) }
        if let fetched = await fetchFromServer() { return (fetched, nil) }
        guard let stale = cache?.load(now: now())?.models else { return nil }
        return (stale, "could not refresh the model list; showing the cached one (\(stale.count) models)")
    }

    private func fetchFromServer() async -> [ModelInfo]? {
        guard let models = try? await transport.listModels() else { return nil }
        cache?.save(models, now: now())
        state.withLock { $0 = models }
        return models
    }
}
