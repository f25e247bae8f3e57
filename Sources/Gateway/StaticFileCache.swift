/// The static files read so far, by request-relative path, within a byte budget. Held in a
/// `Mutex` by `StaticFiles`; every lookup revalidates an entry against the file's current
/// `FileVersion`, so the cache is never the source of stale content, only of saved reads.
///
/// Eviction is crude on purpose (the folder is a handful of browser bundles): when an entry
/// does not fit, others are dropped in the dictionary's order until it does. An entry larger
/// than the whole budget is not kept.
struct StaticFileCache {
    let capacityBytes: Int
    private var entries: [String: StaticEntry] = [:]
    private(set) var bytes = 0

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
    }

    var count: Int { entries.count }

    func entry(for key: String) -> StaticEntry? { entries[key] }

    mutating func store(_ entry: StaticEntry, for key: String) {
        remove(key)
        guard entry.cachedBytes <= capacityBytes else { return }
        while bytes + entry.cachedBytes > capacityBytes, let victim = entries.keys.first {
            remove(victim)
        }
        entries[key] = entry
        bytes += entry.cachedBytes
    }

    mutating func remove(_ key: String) {
        guard let old = entries.removeValue(forKey: key) else { return }
        bytes -= old.cachedBytes
    }
}
