/// When an event loop gives freed heap memory back to the system (`limits.trimAfterCloses`,
/// docs/config.md).
///
/// glibc's malloc returns memory by itself only from the top of a heap. Connections leave their
/// freed memory scattered between live allocations (each loop thread has its own malloc arena),
/// so after a burst of closes the process keeps its RSS until `malloc_trim(0)` hands the free
/// pages back (`madvise(MADV_DONTNEED)`), which it does for every arena. It walks the free
/// lists under each arena's lock, so it runs once closes have stopped for a tick, or at most
/// every `maximumDelayMilliseconds` while they go on, and only after `threshold` of them.
struct MemoryTrimPolicy {
    /// Closes since the last trim before a trim is due; 0 never trims.
    let threshold: Int
    /// While closes go on without a pause, the longest a due trim waits.
    static let maximumDelayMilliseconds: UInt64 = 5_000

    private var closed = 0
    private var firstClosedAt: UInt64 = 0
    private var lastClosedAt: UInt64 = 0

    init(threshold: Int) {
        self.threshold = threshold
    }

    mutating func connectionClosed(now: UInt64) {
        guard threshold > 0 else { return }
        if closed == 0 { firstClosedAt = now }
        closed += 1
        lastClosedAt = now
    }

    /// Asked on every tick (`quietMilliseconds` is the tick interval): true once a trim is due,
    /// and then the count starts again.
    mutating func trimIsDue(now: UInt64, quietMilliseconds: UInt64) -> Bool {
        guard threshold > 0, closed >= threshold else { return false }
        let quiet = now - lastClosedAt >= quietMilliseconds
        guard quiet || now - firstClosedAt >= Self.maximumDelayMilliseconds else { return false }
        closed = 0
        return true
    }
}
