/// What one reply may hold before the parser gives up (docs/style.md §9): each limit is checked on the
/// length or count a header announces, before anything is allocated for it.
public struct RESPLimits: Sendable, Hashable {
    /// Largest bulk string, blob error or verbatim string. Default 16 MiB (Redis's own
    /// `proto-max-bulk-len` is 512 MiB; the gateway stores events of a few KiB).
    public var maxBulkBytes: Int
    /// Longest line, type byte included, CR LF not: a simple string, simple error, number or a
    /// type's header. Default 64 KiB.
    public var maxLineBytes: Int
    /// Deepest nesting of aggregates (an array in an array is depth 2). Default 16; `XRANGE`
    /// answers at depth 3.
    public var maxDepth: Int
    /// Most values in one reply, counted over every level (each element, map key and value).
    /// Default 1,048,576.
    public var maxElements: Int

    public init(maxBulkBytes: Int = 16 << 20, maxLineBytes: Int = 64 << 10, maxDepth: Int = 16, maxElements: Int = 1 << 20) {
        precondition(maxBulkBytes >= 0 && maxLineBytes >= 16 && maxDepth >= 1 && maxElements >= 1)
        self.maxBulkBytes = maxBulkBytes
        self.maxLineBytes = maxLineBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
    }
}
