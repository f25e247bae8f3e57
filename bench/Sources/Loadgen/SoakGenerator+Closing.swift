import CLinux
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// Closing a soak connection: the close handshake, a failure, and forgetting its state.
extension SoakGenerator {
    /// RFC 6455 §5.5.1: Close with `code`; the server answers and closes TCP first (§7.1.1).
    func beginClose(_ i: Int, code: UInt16, reconnect: Bool) {
        let slot = self.slots + i
        let now = MonotonicClock.now()
        slot.pointee.generation &+= 1
        slot.pointee.reconnectAfterClose = reconnect
        let payload = (UInt8(code >> 8), UInt8(code & 0xFF))
        let queued = withUnsafeBytes(of: payload) { self.queueFrame(i, opcode: .close, compressed: false, payload: $0, now: now) }
        guard queued, slot.pointee.fd >= 0 else { return }
        self.setState(i, .closeSent)
        self.schedule(.closeDeadline, i, generation: slot.pointee.generation, at: now + self.timeoutNanoseconds)
    }

    /// The close handshake is over (or given up): the socket goes, and churn's connections come
    /// back at once.
    func finishClose(_ i: Int, now: UInt64) {
        let reconnect = self.slots[i].reconnectAfterClose
        self.drop(i)
        if reconnect && self.phase != .closing && self.phase != .settle { self.connectQueue.append(i) }
    }

    /// A connection that failed: dropped, and opened again a second later.
    func fail(_ i: Int, now: UInt64) {
        self.drop(i)
        if self.phase != .closing && self.phase != .settle {
            self.schedule(.reconnect, i, generation: self.slots[i].generation, at: now + MonotonicClock.seconds(1))
        }
    }

    /// Closes the socket and forgets the connection's state (not the tab's `seq`).
    func drop(_ i: Int) {
        let slot = self.slots + i
        if slot.pointee.fd >= 0 {
            close(slot.pointee.fd)
            slot.pointee.fd = -1
            self.socketCount -= 1
        }
        self.setState(i, .down)
        slot.pointee.generation &+= 1
        slot.pointee.handshake = nil
        slot.pointee.deflate = nil
        slot.pointee.fragments = nil
        slot.pointee.sendStart = 0
        slot.pointee.sendEnd = 0
        slot.pointee.wantsWritable = false
        slot.pointee.receiveCount = 0
        slot.pointee.awaitingEcho = false
        slot.pointee.awaitedReplyID = 0
        slot.pointee.requestsInFlight = 0
        slot.pointee.reconnectAfterClose = false
    }
}
