/// The model list, for `/models`, `/model` checks, tab completion, context sizes, prices
/// and input kinds.
public protocol ModelCatalog: AnyObject, Sendable {
    /// The list when it is known without waiting (a fresh cache, or an earlier fetch).
    func known() -> [ModelInfo]?
    /// The list, fetched when needed; `note` says when it is only a stale copy. Nil when
    /// there is no list to be had.
    func fetch() async -> (models: [ModelInfo], note: String?)?
}

/// Where a model list is kept between runs.
public protocol ModelCacheStore: Sendable {
    /// The cached list and whether it is fresh at `now` (seconds since 1970).
    func load(now: Double) -> (models: [ModelInfo], fresh: Bool)?
    /// Keeps `models`; best effort.
    func save(_ models: [ModelInfo], now: Double)
}
