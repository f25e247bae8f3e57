import CLinux
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// One admin API request to make (docs/admin-api.md): ring a user, or hang up a call.
struct AdminRequest {
    enum Purpose {
        /// Ring the user: the current call's `POST /admin/calls`.
        case call
        /// Hang up the current call.
        case hangup
        /// Hang up a call the soak gave up on before its `POST` was answered (its `uniqueid`
        /// came later), so that it does not ring on.
        case cleanup
    }

    var user: Int
    var callSerial: UInt32
    var purpose: Purpose
    var target: String
}

/// One admin API request in flight, on its own connection (the API answers `Connection: close`).
struct AdminExchange {
    var fd: Int32 = -1
    var request: AdminRequest?
    var bytes: [UInt8] = []
    var requestBytes: [UInt8] = []
    var sent = 0
    var connected = false
    var generation: UInt32 = 0
    var startedAt: UInt64 = 0
}

extension SoakGenerator {
    func queueAdmin(_ request: AdminRequest) {
        self.users[request.user].adminPending += 1
        self.adminQueue.append(request)
    }

    /// Starts queued requests on free exchanges. A call's `POST` whose call was given up while it
    /// waited is not sent.
    func startAdminRequests(now: UInt64) {
        var k = 0
        while self.adminHead < self.adminQueue.count && k < self.admin.count {
            if self.admin[k].fd < 0 {
                let request = self.adminQueue[self.adminHead]
                self.adminHead += 1
                let user = self.users[request.user]
                if request.purpose == .call && (user.callSerial != request.callSerial || user.call != .ringing) {
                    self.users[request.user].adminPending -= 1
                    continue
                }
                self.openAdmin(k, request, now: now)
            }
            k += 1
        }
        if self.adminHead == self.adminQueue.count && self.adminHead > 0 {
            self.adminQueue.removeAll(keepingCapacity: true)
            self.adminHead = 0
        }
    }

    private func openAdmin(_ k: Int, _ request: AdminRequest, now: UInt64) {
        self.report.adminRequests += 1
        self.admin[k].request = request
        self.admin[k].startedAt = now
        if request.purpose == .call { self.users[request.user].callSentAt = now }
        if request.purpose == .hangup { self.users[request.user].hangupSentAt = now }
        self.admin[k].generation &+= 1
        self.admin[k].bytes.removeAll(keepingCapacity: true)
        self.admin[k].requestBytes = HTTPExchange.request(method: "POST", target: request.target, host: self.address.display, authorization: self.options.authorization)
        self.admin[k].sent = 0
        self.admin[k].connected = false
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            self.adminFailed(k, "socket: \(SystemErrno.describe(errno))", now: now)
            return
        }
        self.socketCount += 1
        self.admin[k].fd = fd
        var socketAddress = self.address.socketAddress
        let result = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS {
            self.adminFailed(k, "connect: \(SystemErrno.describe(errno))", now: now)
            return
        }
        do throws(LoadgenError) {
            try self.epoll.add(fd, events: Epoll.readableWritable, token: self.adminTokenBase + k)
        } catch {
            self.adminFailed(k, "\(error)", now: now)
            return
        }
        self.schedule(.adminDeadline, k, generation: self.admin[k].generation, at: now + self.timeoutNanoseconds)
    }

    func handleAdmin(_ k: Int, events: UInt32) {
        let now = MonotonicClock.now()
        let fd = self.admin[k].fd
        guard fd >= 0 else { return }
        if !self.admin[k].connected {
            guard events & (EPOLLOUT.rawValue | EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 else { return }
            var code: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) != 0 { code = errno }
            guard code == 0 else {
                self.adminFailed(k, "connect: \(SystemErrno.describe(code))", now: now)
                return
            }
            self.admin[k].connected = true
        }
        if self.admin[k].sent < self.admin[k].requestBytes.count {
            let n = self.admin[k].requestBytes.withUnsafeBytes { send(fd, $0.baseAddress! + self.admin[k].sent, $0.count - self.admin[k].sent, Int32(MSG_NOSIGNAL)) }
            if n > 0 { self.admin[k].sent += n }
            if n < 0 && errno != EAGAIN && errno != EINTR {
                self.adminFailed(k, "send: \(SystemErrno.describe(errno))", now: now)
                return
            }
            if self.admin[k].sent == self.admin[k].requestBytes.count {
                do throws(LoadgenError) {
                    try self.epoll.modify(fd, events: Epoll.readable, token: self.adminTokenBase + k)
                } catch {
                    self.adminFailed(k, "\(error)", now: now)
                }
            }
            return
        }
        guard events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 else { return }
        self.receiveAdmin(k, now: now)
    }

    /// Reads until the socket would block or ends, then parses what has come.
    private func receiveAdmin(_ k: Int, now: UInt64) {
        let fd = self.admin[k].fd
        var buffer = [UInt8](repeating: 0, count: 16 << 10)
        var endOfStream = false
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                self.admin[k].bytes.append(contentsOf: buffer[0..<n])
                continue
            }
            if n == 0 || errno == ECONNRESET { endOfStream = true }
            break
        }
        self.parseAdmin(k, endOfStream: endOfStream, now: now)
    }

    private func parseAdmin(_ k: Int, endOfStream: Bool, now: UInt64) {
        guard let request = self.admin[k].request else { return }
        switch HTTPExchange.parse(self.admin[k].bytes, endOfStream: endOfStream) {
        case .incomplete:
            return
        case .invalid(let reason):
            self.adminFailed(k, reason, now: now)
        case .complete(let response):
            self.adminLatency.record(now - self.admin[k].startedAt)
            self.finishAdmin(k)
            guard (200..<300).contains(response.status) else {
                self.error(.adminFailed, "POST \(request.target): \(response.statusLine) \(response.bodyText.prefix(200))")
                self.callAbandoned(request.user, callSerial: request.callSerial, now: now)
                return
            }
            if request.purpose == .call {
                let uniqueID = response.body.withUnsafeBytes { body in
                    JSONScanner.member("uniqueid", in: body).flatMap { JSONScanner.string($0, in: body) }
                }
                self.callCreated(request.user, callSerial: request.callSerial, uniqueID: uniqueID, now: now)
            }
        }
    }

    func adminFailed(_ k: Int, _ reason: String, now: UInt64) {
        let request = self.admin[k].request
        self.finishAdmin(k)
        self.error(.adminFailed, "POST \(request?.target ?? "?"): \(reason)")
        if let request { self.callAbandoned(request.user, callSerial: request.callSerial, now: now) }
    }

    /// The exchange's socket goes and it is free again; its user has one request fewer pending.
    func finishAdmin(_ k: Int) {
        if self.admin[k].fd >= 0 {
            close(self.admin[k].fd)
            self.admin[k].fd = -1
            self.socketCount -= 1
        }
        if let request = self.admin[k].request { self.users[request.user].adminPending -= 1 }
        self.admin[k].request = nil
        self.admin[k].generation &+= 1
    }

    /// Closing: requests in flight are abandoned and queued ones dropped.
    func abandonAdmin() {
        for k in 0..<self.admin.count where self.admin[k].fd >= 0 { self.finishAdmin(k) }
        for request in self.adminQueue[self.adminHead...] { self.users[request.user].adminPending -= 1 }
        self.adminQueue.removeAll()
        self.adminHead = 0
    }
}
