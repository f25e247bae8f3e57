import LoadgenCore

/// One fan-out client connection (a browser tab, for Callgate). Sessions live in one contiguous
/// block owned by `FanoutGenerator` and are reached by index; buffers are allocated once.
struct FanoutSession {
    enum State: UInt8 {
        case unused
        /// Non-blocking connect(2) in progress.
        case connecting
        /// Upgrade request sent, waiting for the 101.
        case handshaking
        /// Upgraded; waiting for the reply to the login steps or to `attach`.
        case settingUp
        /// Ready for the rounds.
        case ready
        /// Close sent, waiting for the server's Close (RFC 6455 §5.5.1).
        case closeSent
        /// Both Close frames exchanged; waiting for the server to close TCP (§7.1.1).
        case closeReceived
        case closed
    }

    var fd: Int32 = -1
    var state = State.unused
    var handshake: ClientHandshake?
    var setupDeadline: UInt64 = 0
    /// The id of the request whose reply this session waits for (0: none).
    var awaitedReplyID = 0
    /// This round's awaited event, and hangup event, have arrived.
    var hasEvent = false
    var hasHangupEvent = false
    /// Inside a fragmented message whose first frame was already looked at.
    var fragmented = false

    /// Bytes to send: [sendStart, sendEnd) is still pending.
    let sendBuffer: UnsafeMutableRawPointer
    let sendCapacity: Int
    var sendStart = 0
    var sendEnd = 0
    var wantsWritable = false

    /// Bytes received and not yet consumed: [0, receiveCount).
    let receiveBuffer: UnsafeMutableRawPointer
    let receiveCapacity: Int
    var receiveCount = 0

    /// Room for the upgrade request or a few small requests (login, attach with its token, ack,
    /// pong, close).
    static let sendCapacity = 4096
    /// The largest server frame a session takes whole: events are 1–2 KB, `ready` with its state
    /// object a few KB. Only the pages a message really fills become resident.
    static let receiveCapacity = 64 << 10

    init() {
        self.sendCapacity = Self.sendCapacity
        self.receiveCapacity = Self.receiveCapacity
        self.sendBuffer = .allocate(byteCount: self.sendCapacity, alignment: 16)
        self.receiveBuffer = .allocate(byteCount: self.receiveCapacity, alignment: 16)
    }

    func deallocateBuffers() {
        self.sendBuffer.deallocate()
        self.receiveBuffer.deallocate()
    }
}
