import LoadgenCore

/// One of the soak's connections: an echo connection or an agent tab, kept for the whole run and
/// reconnected when churn (or a failure) closes it. Slots live in one contiguous block owned by
/// `SoakGenerator` and are reached by index; buffers are allocated once.
struct SoakSlot {
    enum State: UInt8 {
        /// No socket (before the first connect, or waiting to reconnect).
        case down
        /// Non-blocking connect(2) in progress.
        case connecting
        /// Upgrade request sent, waiting for the 101.
        case handshaking
        /// Agent tab: upgraded, waiting for the reply to a login step or to `attach`.
        case settingUp
        case open
        /// Close sent, waiting for the server's Close (RFC 6455 §5.5.1).
        case closeSent
        /// Both Close frames exchanged; waiting for the server to close TCP (§7.1.1).
        case closeReceived
    }

    /// The agent tab's user, or -1 for an echo connection.
    let user: Int32
    var isTab: Bool { self.user >= 0 }
    var fd: Int32 = -1
    var state = State.down
    /// Moves on at every connect and every close; timers of an older generation are stale.
    var generation: UInt32 = 0
    var handshake: ClientHandshake?
    /// permessage-deflate, when the server accepted the offer on this connection.
    var deflate: ClientDeflate?
    /// The close in progress is churn's: reconnect once it is done.
    var reconnectAfterClose = false
    /// Opened at least once (a reconnect is not counted as setup).
    var everOpen = false

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
    /// A fragmented message being put together (RFC 6455 §5.4): its frames' payloads so far.
    var fragments: [UInt8]?
    var fragmentsCompressed = false

    // Echo connections.
    /// The message in flight, uncompressed: what the echo must equal.
    let payload: UnsafeMutableRawPointer?
    var echoSequence: UInt64 = 0
    var echoLength = 0
    var awaitingEcho = false
    var echoSentAt: UInt64 = 0

    // Agent tabs.
    var events = EventSequence()
    /// The id of the setup request whose reply the tab waits for (0: none), and which step it is.
    var awaitedReplyID = 0
    var setupStep = SetupStep.attach
    /// Requests (ack, answer) sent and not yet answered.
    var requestsInFlight = 0
    var nextRequestID = 10

    enum SetupStep: UInt8 {
        case login, selectIdentifier, provision, attach
    }

    init(user: Int32, maxEchoSize: Int) {
        self.user = user
        // Tabs send small requests (an attach with its token is the largest); echo connections one
        // message at a time, compressed or not, plus control frames.
        self.sendCapacity = user >= 0 ? 4096 : maxEchoSize + ClientFrameEncoder.maxHeaderLength + 1024
        // One whole frame: a replay's events or a `ready` with its state object are a few KB each.
        // Only the pages really filled become resident.
        self.receiveCapacity = 64 << 10
        self.sendBuffer = .allocate(byteCount: self.sendCapacity, alignment: 16)
        self.receiveBuffer = .allocate(byteCount: self.receiveCapacity, alignment: 16)
        self.payload = user >= 0 ? nil : .allocate(byteCount: maxEchoSize, alignment: 16)
    }

    func deallocateBuffers() {
        self.sendBuffer.deallocate()
        self.receiveBuffer.deallocate()
        self.payload?.deallocate()
    }
}

/// One agent of the soak: its tabs (consecutive slots) and its call, driven through the admin API
/// (docs/admin-api.md): ring → every tab acks `callRinging`, one answers → `callConnect` → after
/// the talk time the caller hangs up → `callHangup` → idle until the next call.
struct SoakUser {
    enum Call: UInt8 {
        case idle
        /// `POST /admin/calls` sent; waiting for `callRinging`, then (after `answer`) `callConnect`.
        case ringing
        /// `callConnect` seen; the hangup is due after the talk time.
        case connected
        /// `POST /admin/calls/ID/hangup` sent; waiting for `callHangup`.
        case hangingUp
    }

    let name: String
    let firstSlot: Int
    let tabCount: Int
    /// The session token of the first login, for every `attach`.
    var token: String?
    /// The followers have been queued for their first `attach`.
    var followersQueued = false
    var call = Call.idle
    /// Moves on at every call phase; timers of an older one are stale.
    var generation: UInt32 = 0
    /// Counts calls; an admin response for an older call is ignored.
    var callSerial: UInt32 = 0
    var uniqueID: String?
    var answerSent = false
    /// The talk time is over but the call's `uniqueid` is not known yet.
    var hangupDue = false
    /// Admin requests queued or in flight for this user: no new call starts before they are done.
    var adminPending = 0
    /// When the current call's `POST`, `answer` and hangup `POST` were sent (for the latencies).
    var callSentAt: UInt64 = 0
    var answerSentAt: UInt64 = 0
    var hangupSentAt: UInt64 = 0

    init(name: String, firstSlot: Int, tabCount: Int) {
        self.name = name
        self.firstSlot = firstSlot
        self.tabCount = tabCount
    }
}

/// A soak timer: what it is for, whose (slot, user or admin exchange index), and the owner's
/// generation when it was set.
struct SoakTimer {
    enum Kind: UInt8 {
        case echoSend, echoDeadline, setupDeadline, closeDeadline, reconnect, callStart, callDeadline, hangup, adminDeadline
    }

    var kind: Kind
    var index: Int32
    var generation: UInt32
    /// For `echoDeadline`: the echo's sequence number (low bits), so that the deadline of an
    /// answered echo does not fire for the next one.
    var serial: UInt32 = 0
}
