/// Where a user's event stream stands (docs/cluster.md §3): which life of the stream (`epoch`,
/// drawn afresh whenever the stream had to start over, e.g. after Redis lost it) and the last
/// `seq` in it. A tab remembers the position of the last event it processed and `attach`es with
/// it (docs/agent-protocol.md §4).
///
/// An empty `epoch` stands for "whatever the stream's epoch is now": a tab that has seen nothing
/// (`start`), or a bar that predates epochs and sends only `lastSeq`.
public struct StreamPosition: Hashable, Sendable, CustomStringConvertible {
    public var epoch: String
    public var seq: UInt64

    public init(epoch: String, seq: UInt64) {
        self.epoch = epoch
        self.seq = seq
    }

    /// Nothing seen, in no particular epoch.
    public static let start = StreamPosition(epoch: "", seq: 0)

    public var description: String { "\(epoch.isEmpty ? "-" : epoch):\(seq)" }
}

/// One numbered event of a user's stream: its position and the message a tab receives (the
/// encoded event with its `seq`). Empty `bytes` is a **tombstone**: an event was lost there (it
/// could not be numbered while the shared state was down), so nobody can be replayed past it
/// (`complete: false`, docs/cluster.md §6).
public struct StreamEntry: Hashable, Sendable {
    public var position: StreamPosition
    public var bytes: [UInt8]

    public init(position: StreamPosition, bytes: [UInt8]) {
        self.position = position
        self.bytes = bytes
    }

    public var seq: UInt64 { position.seq }
    public var epoch: String { position.epoch }
    public var isTombstone: Bool { bytes.isEmpty }
}

/// The answer to reading a user's stream after a position (`attach`, a gap).
public enum StreamRead: Hashable, Sendable {
    /// Every entry after the position asked for, in order (none when it is the end); `top` is the
    /// stream's end now.
    case complete([StreamEntry], top: StreamPosition)
    /// Something after the position is gone (another epoch, trimmed, too old, a tombstone, or a
    /// seq ahead of the stream's): the tab gets a fresh state and goes on from `top`.
    case incomplete(top: StreamPosition)

    /// The stream's end when it was read.
    public var top: StreamPosition {
        switch self {
        case .complete(_, let top), .incomplete(let top): top
        }
    }
}
