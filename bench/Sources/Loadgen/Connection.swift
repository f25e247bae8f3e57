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

    /// The payload of the message in flight, unmasked: what the echo must equal.
    let payload: UnsafeMutableRawPointer
    var sequence: UInt64 = 0
    var sentAt: UInt64 = 0
    var awaitingEcho = false
    /// Bytes of the echo verified so far; more than 0 only while a fragmented echo arrives.
    var echoOffset = 0
    var echoFragmented = false

    init(index: Int, payloadSize: Int) {
        // Room for the message frame plus a few control frames queued behind it.
        self.sendCapacity = payloadSize + ClientFrameEncoder.maxHeaderLength + 1024
        // Room for the upgrade response, or for one echo plus control frames.
        self.receiveCapacity = max(ClientHandshake.maxResponseHead + 1024, payloadSize + 1024)
        self.sendBuffer = .allocate(byteCount: self.sendCapacity, alignment: 16)
        self.receiveBuffer = .allocate(byteCount: self.receiveCapacity, alignment: 16)
        self.payload = .allocate(byteCount: max(payloadSize, 1), alignment: 16)
        // Printable ASCII, so the same payload is valid in a text message (RFC 6455 §5.6).
        for i in 0..<payloadSize {
            self.payload.storeBytes(of: UInt8(ascii: "a") + UInt8((i &* 7 &+ index) % 26), toByteOffset: i, as: UInt8.self)
        }
    }

    func deallocateBuffers() {
        self.sendBuffer.deallocate()
        self.receiveBuffer.deallocate()
        self.payload.deallocate()
    }

    /// Writes `sequence` into the payload (hex in the first 16 bytes, a letter in the last one),
    /// so an echo of an earlier message, or of another connection's, cannot pass as this one.
    @inline(__always)
    mutating func stampNextPayload(size: Int) {
        self.sequence &+= 1
        let hexDigits = min(size, 16)
        var value = self.sequence
        var i = hexDigits - 1
        while i >= 0 {
            let nibble = UInt8(truncatingIfNeeded: value & 0xF)
            self.payload.storeBytes(of: nibble < 10 ? 48 + nibble : 87 + nibble, toByteOffset: i, as: UInt8.self)
            value >>= 4
            i -= 1
        }
        if size > 16 {
            self.payload.storeBytes(of: UInt8(ascii: "A") + UInt8(self.sequence % 26), toByteOffset: size - 1, as: UInt8.self)
        }
    }
}
