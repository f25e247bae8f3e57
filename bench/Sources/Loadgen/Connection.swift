import LoadgenCore

/// One client connection's state. Connections live in one contiguous block owned by
/// `LoadGenerator` and are reached by index, so the hot path touches no reference counts; each one's
/// buffers are allocated once, before traffic starts.
struct Connection {
    enum State: UInt8 {
        case unused
        /// Non-blocking connect(2) in progress.
        case connecting
        /// wss: TLS handshake in progress (RFC 8446 §2).
        case tlsHandshaking
        /// Upgrade request sent (or being sent), waiting for the 101.
        case handshaking
        case open
        /// This side sent Close and waits for the server's Close (RFC 6455 §5.5.1).
        case closeSent
        /// Both Close frames exchanged; waiting for the server to close TCP (§7.1.1).
        case closeReceived
        case closed
    }

    var fd: Int32 = -1
    var state = State.unused
    var handshake: ClientHandshake?
    /// When the connect or handshake must be done by.
    var setupDeadline: UInt64 = 0
    /// Handshake mode: when connect(2) was called, and when the close handshake must be done by.
    var connectStartedAt: UInt64 = 0
    var closeDeadline: UInt64 = 0

    /// wss: the TLS session on `fd`.
    var tls: TLSStream?
    /// wss: the server's close_notify has arrived and been answered; the socket is read only to
    /// see the server's FIN.
    var tlsInputClosed = false
    /// wss handshake mode with --resume: the session this slot's next connection offers.
    var session: TLSStream.Session?

    /// Bytes to send: [sendStart, sendEnd) is still pending.
    let sendBuffer: UnsafeMutableRawPointer
    let sendCapacity: Int
    var sendStart = 0
    var sendEnd = 0
    /// EPOLLOUT is registered (only while a send is pending).
    var wantsWritable = false

    /// Bytes received and not yet consumed: [0, receiveCount).
    let receiveBuffer: UnsafeMutableRawPointer
    let receiveCapacity: Int
    var receiveCount = 0

    /// The payloads of the messages in flight, unmasked, one slot per message (`--in-flight`):
    /// message `sequence` is in slot `sequence % depth`; what its echo must equal.
    let payloads: UnsafeMutableRawPointer
    /// When each slot's message was sent.
    let sentTimes: UnsafeMutablePointer<UInt64>
    /// Messages sent and not echoed yet may number up to `depth` (`--in-flight`, 1 by default).
    let depth: Int
    let slotSize: Int
    /// The last message sent.
    var sequence: UInt64 = 0
    /// Echoes completed in the measured window.
    var measuredEchoes: UInt64 = 0
    /// Messages sent whose echo has not completed: the oldest is `sequence - pending + 1`.
    var pending = 0
    var awaitingEcho: Bool { self.pending > 0 }
    /// The oldest message in flight, whose echo comes next (RFC 6455 keeps a connection's order).
    var oldestSequence: UInt64 { self.sequence &- UInt64(self.pending) &+ 1 }
    var oldestPayload: UnsafeMutableRawPointer { self.payloads + Int(self.oldestSequence % UInt64(self.depth)) * self.slotSize }
    var oldestSentAt: UInt64 { self.sentTimes[Int(self.oldestSequence % UInt64(self.depth))] }
    /// The slot the next message (`sequence + 1`) goes to.
    var nextSlot: Int { Int((self.sequence &+ 1) % UInt64(self.depth)) }
    /// Bytes of the echo verified so far; more than 0 only while a fragmented echo arrives.
    var echoOffset = 0
    var echoFragmented = false

    init(index: Int, payloadSize: Int, depth: Int = 1) {
        self.depth = depth
        // Room for the messages in flight plus a few control frames queued behind them.
        self.sendCapacity = depth * (payloadSize + ClientFrameEncoder.maxHeaderLength) + 1024
        // Room for the upgrade response, or for one echo plus control frames.
        self.receiveCapacity = max(ClientHandshake.maxResponseHead + 1024, payloadSize + 1024)
        self.sendBuffer = .allocate(byteCount: self.sendCapacity, alignment: 16)
        self.receiveBuffer = .allocate(byteCount: self.receiveCapacity, alignment: 16)
        self.slotSize = max(payloadSize, 1)
        self.payloads = .allocate(byteCount: self.slotSize * depth, alignment: 16)
        self.sentTimes = .allocate(capacity: depth)
        self.sentTimes.initialize(repeating: 0, count: depth)
        // Printable ASCII, so the same payload is valid in a text message (RFC 6455 §5.6).
        for slot in 0..<depth {
            for i in 0..<payloadSize {
                self.payloads.storeBytes(of: UInt8(ascii: "a") + UInt8((i &* 7 &+ index) % 26), toByteOffset: slot * self.slotSize + i, as: UInt8.self)
            }
        }
    }

    func deallocateBuffers() {
        self.sendBuffer.deallocate()
        self.receiveBuffer.deallocate()
        self.payloads.deallocate()
        self.sentTimes.deallocate()
    }

    /// Writes `sequence` into the payload (hex in the first 16 bytes, a letter in the last one),
    /// so an echo of an earlier message, or of another connection's, cannot pass as this one.
    @inline(__always)
    mutating func stampNextPayload(size: Int) {
        let payload = self.payloads + self.nextSlot * self.slotSize
        self.sequence &+= 1
        let hexDigits = min(size, 16)
        var value = self.sequence
        var i = hexDigits - 1
        while i >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value & 0xF)
            payload.storeBytes(of: nibble < 10 ? 48 + nibble : 87 + nibble, toByteOffset: i, as: UInt8.self)
            value >>= 4
            i -= 1
        }
        if size > 16 {
            payload.storeBytes(of: UInt8(ascii: "A") + UInt8(self.sequence % 26), toByteOffset: size - 1, as: UInt8.self)
        }
    }
}
