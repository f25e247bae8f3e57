import CLinux
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// The soak's connections: connect, upgrade (offering permessage-deflate), frames in and out,
/// the close handshake, and reconnecting.
extension SoakGenerator {
    // MARK: - State

    /// Moves a slot to `state`, keeping the counts of connections in setup and open.
    func setState(_ i: Int, _ state: SoakSlot.State) {
        let old = self.slots[i].state
        let setup: Set<SoakSlot.State> = [.connecting, .handshaking, .settingUp]
        if setup.contains(old) && !setup.contains(state) { self.settingUp -= 1 }
        if !setup.contains(old) && setup.contains(state) { self.settingUp += 1 }
        if old == .open && state != .open { self.openCount -= 1 }
        if old != .open && state == .open { self.openCount += 1 }
        self.slots[i].state = state
    }

    // MARK: - Connecting

    func startConnects(now: UInt64) throws(LoadgenError) {
        while self.settingUp < self.options.connectConcurrency && self.connectHead < self.connectQueue.count {
            let i = self.connectQueue[self.connectHead]
            self.connectHead += 1
            if self.slots[i].state == .down { try self.openSocket(i, now: now) }
        }
        if self.connectHead == self.connectQueue.count && self.connectHead > 0 {
            self.connectQueue.removeAll(keepingCapacity: true)
            self.connectHead = 0
        }
    }

    private func openSocket(_ i: Int, now: UInt64) throws(LoadgenError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            let code = errno
            if code == EMFILE || code == ENFILE {
                throw .usage("out of file descriptors at slot \(i): raise `ulimit -n` (\(SystemErrno.describe(code)))")
            }
            throw .system("socket", errno: code)
        }
        self.socketCount += 1
        let slot = self.slots + i
        slot.pointee.fd = fd
        slot.pointee.generation &+= 1
        self.setState(i, .connecting)
        self.schedule(.setupDeadline, i, generation: slot.pointee.generation, at: now + self.timeoutNanoseconds)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        if self.options.sourceAddresses > 1 {
            // All tabs of a user from one address (one browser); echo connections round robin.
            // IP_BIND_ADDRESS_NO_PORT (24, <linux/in.h>): the port is chosen at connect(2).
            let group = slot.pointee.isTab ? Int(slot.pointee.user) : i
            _ = setsockopt(fd, Int32(IPPROTO_IP), 24, &one, socklen_t(MemoryLayout<Int32>.size))
            var source = sockaddr_in()
            source.sin_family = sa_family_t(AF_INET)
            source.sin_addr.s_addr = (UInt32(0x7F00_0001) + UInt32(group % self.options.sourceAddresses)).bigEndian
            let bound = withUnsafePointer(to: &source) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { throw .system("bind to 127.0.0.\(1 + group % self.options.sourceAddresses)", errno: errno) }
        }
        var socketAddress = self.address.socketAddress
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS {
            self.error(.connectFailed, "slot \(i): connect to \(self.address.display): \(SystemErrno.describe(errno))")
            self.fail(i, now: now)
            return
        }
        try self.epoll.add(fd, events: Epoll.readableWritable, token: i)
        slot.pointee.wantsWritable = true
    }

    private func finishConnect(_ i: Int, now: UInt64) {
        let slot = self.slots + i
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(slot.pointee.fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0 { code = errno }
        guard code == 0 else {
            self.error(.connectFailed, "slot \(i): connect to \(self.address.display): \(SystemErrno.describe(code))")
            self.fail(i, now: now)
            return
        }
        let handshake = ClientHandshake(nonce: FastRandom.nonce(), offersDeflate: self.options.offerDeflate)
        slot.pointee.handshake = handshake
        let path = slot.pointee.isTab ? self.options.agentPath : self.options.echoPath
        let request = handshake.request(host: self.address.host, port: self.options.port, path: path)
        request.withUnsafeBytes { slot.pointee.sendBuffer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        slot.pointee.sendStart = 0
        slot.pointee.sendEnd = request.count
        self.setState(i, .handshaking)
        self.flush(i, now: now)
    }

    private func processHandshake(_ i: Int, now: UInt64) {
        let slot = self.slots + i
        let response = slot.pointee.handshake!.parseResponse(UnsafeRawBufferPointer(start: slot.pointee.receiveBuffer, count: slot.pointee.receiveCount))
        switch response {
        case .incomplete:
            return
        case .rejected(let reason):
            self.error(.handshakeFailed, "slot \(i): upgrade on \(slot.pointee.isTab ? self.options.agentPath : self.options.echoPath): \(reason)")
            self.fail(i, now: now)
        case .accepted(let headLength, let deflate):
            self.consume(i, headLength)
            slot.pointee.handshake = nil
            self.report.upgrades += 1
            if let deflate {
                self.report.deflateUpgrades += 1
                slot.pointee.deflate = ClientDeflate(
                    parameters: deflate, compressionWindowBits: self.options.clientWindowBits, memoryLevel: self.options.clientMemoryLevel)
            } else if self.options.requireDeflate {
                self.error(.deflateDeclined, "slot \(i): the server declined \(DeflateNegotiation.chromiumOffer)")
            }
            if slot.pointee.isTab {
                self.beginTabSetup(i, now: now)
            } else {
                self.becomeOpen(i, now: now)
            }
            if slot.pointee.fd >= 0 && slot.pointee.receiveCount > 0 { self.processFrames(i, now: now) }
        }
    }

    func becomeOpen(_ i: Int, now: UInt64) {
        let slot = self.slots + i
        self.setState(i, .open)
        if slot.pointee.everOpen {
            self.report.reconnects += 1
            if slot.pointee.isTab { self.report.tabReconnects += 1 }
        }
        slot.pointee.everOpen = true
        if !slot.pointee.isTab && (self.phase == .warmup || self.phase == .loaded) {
            self.schedule(.echoSend, i, generation: slot.pointee.generation, at: now + self.jittered(self.options.echoInterval))
        }
    }

    // MARK: - Events

    func handle(_ i: Int, events: UInt32) {
        let now = MonotonicClock.now()
        switch self.slots[i].state {
        case .connecting:
            self.finishConnect(i, now: now)
        case .handshaking, .settingUp, .open, .closeSent, .closeReceived:
            if events & EPOLLOUT.rawValue != 0 { self.flush(i, now: now) }
            if self.slots[i].fd >= 0, events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
                self.receive(i, now: now)
            }
        case .down:
            break
        }
    }

    /// One recv(2) per readiness event (epoll is level-triggered).
    private func receive(_ i: Int, now: UInt64) {
        let slot = self.slots + i
        let space = slot.pointee.receiveCapacity - slot.pointee.receiveCount
        guard space > 0 else {
            self.error(.bufferOverflow, "slot \(i): \(slot.pointee.receiveCapacity) bytes arrived without forming a complete frame")
            self.fail(i, now: now)
            return
        }
        let n = recv(slot.pointee.fd, slot.pointee.receiveBuffer + slot.pointee.receiveCount, space, 0)
        if n <= 0 {
            if n < 0 {
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return }
            }
            self.peerClosed(i, reset: n < 0, now: now)
            return
        }
        slot.pointee.receiveCount += n
        if slot.pointee.state == .handshaking {
            self.processHandshake(i, now: now)
        } else {
            self.processFrames(i, now: now)
        }
    }

    private func peerClosed(_ i: Int, reset: Bool, now: UInt64) {
        let state = self.slots[i].state
        switch state {
        case .closeReceived:
            self.finishClose(i, now: now)
        case .closeSent:
            self.error(.closeUnclean, "slot \(i): the server \(reset ? "reset" : "closed") TCP without answering our Close")
            self.finishClose(i, now: now)
        case .handshaking:
            self.error(.handshakeFailed, "slot \(i): the server \(reset ? "reset" : "closed") the connection before a complete 101")
            self.fail(i, now: now)
        default:
            self.error(.connectionDropped, "slot \(i): the server \(reset ? "reset" : "closed") TCP (\(state)\(self.slots[i].isTab ? ", tab of \(self.users[Int(self.slots[i].user)].name)" : ""))")
            self.fail(i, now: now)
        }
    }

    // MARK: - Frames

    func processFrames(_ i: Int, now: UInt64) {
        let slot = self.slots + i
        let generation = slot.pointee.generation
        var offset = 0
        while slot.pointee.fd >= 0 && slot.pointee.generation == generation {
            let available = slot.pointee.receiveCount - offset
            let start = slot.pointee.receiveBuffer + offset
            let parse = ServerFrameHeader.parse(
                UnsafeRawBufferPointer(start: start, count: available), maxPayload: slot.pointee.receiveCapacity - 14, deflate: slot.pointee.deflate != nil)
            guard case .frame(let header) = parse else {
                if case .invalid(let reason) = parse {
                    self.error(reason.contains("more than the") ? .bufferOverflow : .badFrame, "slot \(i): \(reason)")
                    self.fail(i, now: now)
                    return
                }
                break
            }
            let frameLength = header.headerLength + header.payloadLength
            guard available >= frameLength else { break }
            self.handleFrame(i, header: header, payload: UnsafeRawBufferPointer(start: start + header.headerLength, count: header.payloadLength), now: now)
            offset += frameLength
        }
        if offset > 0 && slot.pointee.fd >= 0 && slot.pointee.generation == generation { self.consume(i, offset) }
    }

    func consume(_ i: Int, _ byteCount: Int) {
        let slot = self.slots + i
        let remaining = slot.pointee.receiveCount - byteCount
        if remaining > 0 { memmove(slot.pointee.receiveBuffer, slot.pointee.receiveBuffer + byteCount, remaining) }
        slot.pointee.receiveCount = remaining
    }

    private func handleFrame(_ i: Int, header: ServerFrameHeader, payload: UnsafeRawBufferPointer, now: UInt64) {
        let slot = self.slots + i
        switch header.opcode {
        case .text, .binary:
            guard slot.pointee.fragments == nil else {
                self.error(.badFrame, "slot \(i): a new \(header.opcode) frame inside a fragmented message (RFC 6455 §5.4)")
                self.fail(i, now: now)
                return
            }
            if header.fin {
                self.message(i, payload, compressed: header.compressed, now: now)
            } else {
                slot.pointee.fragments = Array(payload)
                slot.pointee.fragmentsCompressed = header.compressed
            }
        case .continuation:
            guard slot.pointee.fragments != nil else {
                self.error(.badFrame, "slot \(i): a continuation frame with no fragmented message open (RFC 6455 §5.4)")
                self.fail(i, now: now)
                return
            }
            slot.pointee.fragments!.append(contentsOf: payload)
            if header.fin {
                let whole = slot.pointee.fragments!
                slot.pointee.fragments = nil
                whole.withUnsafeBytes { self.message(i, $0, compressed: slot.pointee.fragmentsCompressed, now: now) }
            }
        case .ping:
            // RFC 6455 §5.5.2: answer a Ping with a Pong carrying the same data.
            if slot.pointee.state != .closeSent && slot.pointee.state != .closeReceived {
                self.report.pingsAnswered += 1
                self.queueFrame(i, opcode: .pong, compressed: false, payload: payload, now: now)
            }
        case .pong:
            break
        case .close:
            if slot.pointee.state == .closeSent {
                self.setState(i, .closeReceived)
                return
            }
            var detail = "no status code"
            if payload.count >= 2 {
                let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
                let reason = String(decoding: payload[2...], as: UTF8.self)
                detail = "code \(code)" + (reason.isEmpty ? "" : ", reason \(reason.debugDescription)")
            }
            self.error(.unexpectedClose, "slot \(i): the server sent Close (\(detail)) while \(slot.pointee.state)\(slot.pointee.isTab ? ", tab of \(self.users[Int(slot.pointee.user)].name)" : "")")
            self.fail(i, now: now)
        default:
            self.error(.badFrame, "slot \(i): reserved opcode \(header.opcode)")
            self.fail(i, now: now)
        }
    }

    /// One whole data message, decompressed when it came compressed (RFC 7692 §7.2.2).
    private func message(_ i: Int, _ payload: UnsafeRawBufferPointer, compressed: Bool, now: UInt64) {
        let slot = self.slots + i
        var bytes = payload
        if compressed {
            do throws(ClientDeflate.Failure) {
                let length = try slot.pointee.deflate!.decompress(payload, into: self.inflated, capacity: SoakOptions.maxMessage)
                bytes = UnsafeRawBufferPointer(start: self.inflated, count: length)
                self.report.compressedMessagesReceived += 1
            } catch {
                self.error(.badFrame, "slot \(i): a compressed message of \(payload.count) bytes does not decompress: \(error)")
                self.fail(i, now: now)
                return
            }
        }
        if slot.pointee.isTab {
            self.tabMessage(i, bytes, now: now)
        } else {
            self.echoMessage(i, bytes, now: now)
        }
    }

    // MARK: - Sending

    /// Sends one text message, compressed when permessage-deflate was agreed (Chromium compresses
    /// every message). False if the connection failed.
    @discardableResult
    func sendText(_ i: Int, _ message: UnsafeRawBufferPointer, now: UInt64) -> Bool {
        let slot = self.slots + i
        if let deflate = slot.pointee.deflate, deflate.canCompress {
            do throws(ClientDeflate.Failure) {
                let length = try deflate.compress(message, into: self.compressed, capacity: Self.compressedCapacity)
                self.report.compressedMessagesSent += 1
                return self.queueFrame(i, opcode: .text, compressed: true, payload: UnsafeRawBufferPointer(start: self.compressed, count: length), now: now)
            } catch {
                self.error(.bufferOverflow, "slot \(i): cannot compress a message of \(message.count) bytes: \(error)")
                self.fail(i, now: now)
                return false
            }
        }
        return self.queueFrame(i, opcode: .text, compressed: false, payload: message, now: now)
    }

    func sendText(_ i: Int, _ message: [UInt8], now: UInt64) {
        _ = message.withUnsafeBytes { self.sendText(i, $0, now: now) }
    }

    @discardableResult
    func queueFrame(_ i: Int, opcode: Opcode, compressed: Bool, payload: UnsafeRawBufferPointer, now: UInt64) -> Bool {
        let slot = self.slots + i
        guard slot.pointee.sendEnd + ClientFrameEncoder.headerLength(payloadLength: payload.count) + payload.count <= slot.pointee.sendCapacity else {
            self.error(.bufferOverflow, "slot \(i): no room to queue a \(opcode) frame of \(payload.count) bytes (\(slot.pointee.sendEnd - slot.pointee.sendStart) bytes unsent)")
            self.fail(i, now: now)
            return false
        }
        slot.pointee.sendEnd += ClientFrameEncoder.write(
            opcode: opcode, compressed: compressed, payload: payload, maskKey: self.random.maskKey(), to: slot.pointee.sendBuffer + slot.pointee.sendEnd)
        return self.flush(i, now: now)
    }

    /// Sends what is pending; registers for EPOLLOUT only while the socket buffer is full.
    @discardableResult
    func flush(_ i: Int, now: UInt64) -> Bool {
        let slot = self.slots + i
        while slot.pointee.sendStart < slot.pointee.sendEnd {
            let n = send(slot.pointee.fd, slot.pointee.sendBuffer + slot.pointee.sendStart, slot.pointee.sendEnd - slot.pointee.sendStart, Int32(MSG_NOSIGNAL))
            if n > 0 {
                slot.pointee.sendStart += n
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK {
                if !slot.pointee.wantsWritable {
                    self.modifyInterest(i, Epoll.readableWritable)
                    slot.pointee.wantsWritable = true
                }
                return true
            }
            self.peerClosed(i, reset: true, now: now)
            return false
        }
        slot.pointee.sendStart = 0
        slot.pointee.sendEnd = 0
        if slot.pointee.wantsWritable {
            self.modifyInterest(i, Epoll.readable)
            slot.pointee.wantsWritable = false
        }
        return true
    }

    private func modifyInterest(_ i: Int, _ events: UInt32) {
        do throws(LoadgenError) {
            try self.epoll.modify(self.slots[i].fd, events: events, token: i)
        } catch {
            self.note("epoll_ctl on slot \(i): \(error)", now: MonotonicClock.now())
        }
    }
}
