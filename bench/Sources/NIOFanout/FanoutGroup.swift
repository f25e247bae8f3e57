import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket

/// Every upgraded connection, and the broadcast to all of them.
///
/// Membership is a locked dictionary (connections join and leave on their own event loops). A
/// broadcast takes a snapshot, groups it by event loop, and submits one task per loop that calls
/// `writeAndFlush` on each of that loop's channels: every write happens on the channel's own loop,
/// so NIO does not hop per write, and the frame's payload buffer is shared, not copied.
final class FanoutGroup: Sendable {
    struct Totals: Sendable {
        var connections = 0
        var broadcasts = 0
        var messages = 0
    }

    private let members = NIOLockedValueBox([ObjectIdentifier: any Channel]())
    private let totals = NIOLockedValueBox(Totals())

    func add(_ channel: any Channel) {
        self.members.withLockedValue { $0[ObjectIdentifier(channel)] = channel }
        self.totals.withLockedValue { $0.connections += 1 }
    }

    func remove(_ channel: any Channel) {
        _ = self.members.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Writes one text message of `size` bytes to every member; returns the members written to and
    /// the message's `seq`.
    func broadcast(size: Int, allocator: ByteBufferAllocator) -> (members: Int, seq: Int) {
        let channels = self.members.withLockedValue { Array($0.values) }
        let seq = self.totals.withLockedValue { totals in
            totals.broadcasts += 1
            totals.messages += channels.count
            return totals.broadcasts
        }
        let frame = WebSocketFrame(fin: true, opcode: .text, data: Self.message(seq: seq, size: size, allocator: allocator))
        var byLoop: [ObjectIdentifier: (loop: any EventLoop, channels: [any Channel])] = [:]
        for channel in channels {
            byLoop[ObjectIdentifier(channel.eventLoop), default: (channel.eventLoop, [])].channels.append(channel)
        }
        for (loop, members) in byLoop.values {
            loop.execute {
                for channel in members { channel.writeAndFlush(frame, promise: nil) }
            }
        }
        return (channels.count, seq)
    }

    /// `{"event":"broadcast","seq":S,"data":{"pad":"xxx…"}}`, padded to `size` bytes when it can be.
    static func message(seq: Int, size: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        let head = "{\"event\":\"broadcast\",\"seq\":\(seq),\"data\":{\"pad\":\""
        let tail = "\"}}"
        let pad = max(0, size - head.utf8.count - tail.utf8.count)
        var buffer = allocator.buffer(capacity: head.utf8.count + pad + tail.utf8.count)
        buffer.writeString(head)
        buffer.writeRepeatingByte(UInt8(ascii: "x"), count: pad)
        buffer.writeString(tail)
        return buffer
    }

    var snapshot: Totals { self.totals.withLockedValue { $0 } }
}
