import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// The soak's echo connections: one JSON text message at a time (`EchoPayload`), the echo checked
/// byte for byte, the next one after `--echo-interval` × 0.5–1.5.
extension SoakGenerator {
    func sendEcho(_ i: Int, now: UInt64) {
        let slot = self.slots + i
        guard self.phase == .warmup || self.phase == .loaded, slot.pointee.state == .open, !slot.pointee.awaitingEcho else { return }
        slot.pointee.echoSequence += 1
        let size = EchoPayload.size(random: self.random.next(), minimum: self.options.echoMinSize, maximum: self.options.echoMaxSize)
        EchoPayload.write(connection: i, sequence: slot.pointee.echoSequence, size: size, to: slot.pointee.payload!)
        slot.pointee.echoLength = size
        slot.pointee.awaitingEcho = true
        slot.pointee.echoSentAt = now
        guard self.sendText(i, UnsafeRawBufferPointer(start: slot.pointee.payload!, count: size), now: now) else { return }
        self.report.echoesSent += 1
        self.timers.schedule(
            at: now + self.timeoutNanoseconds,
            SoakTimer(kind: .echoDeadline, index: Int32(i), generation: slot.pointee.generation, serial: UInt32(truncatingIfNeeded: slot.pointee.echoSequence)))
    }

    func echoMessage(_ i: Int, _ bytes: UnsafeRawBufferPointer, now: UInt64) {
        let slot = self.slots + i
        guard slot.pointee.awaitingEcho else {
            self.error(.unexpectedMessage, "slot \(i): a message of \(bytes.count) bytes with no echo awaited")
            return
        }
        let length = slot.pointee.echoLength
        guard bytes.count == length, memcmp(bytes.baseAddress!, slot.pointee.payload!, length) == 0 else {
            var at = 0
            while at < min(bytes.count, length) && bytes[at] == slot.pointee.payload!.load(fromByteOffset: at, as: UInt8.self) { at += 1 }
            self.error(.echoMismatch, "slot \(i): echo of message \(slot.pointee.echoSequence) is \(bytes.count) bytes for \(length) sent, first difference at byte \(at)")
            self.fail(i, now: now)
            return
        }
        slot.pointee.awaitingEcho = false
        self.echoLatency.record(now - slot.pointee.echoSentAt)
        self.report.echoesVerified += 1
        self.report.echoBytes += length
        if self.phase == .warmup || self.phase == .loaded {
            self.schedule(.echoSend, i, generation: slot.pointee.generation, at: now + self.jittered(self.options.echoInterval))
        }
    }
}
