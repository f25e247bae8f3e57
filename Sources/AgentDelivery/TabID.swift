/// One agent-bar tab (one `/ws` connection) as the engine knows it: a number the hub gives each
/// connection when it opens and never reuses.
public struct TabID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    public var description: String { "tab \(rawValue)" }
}
