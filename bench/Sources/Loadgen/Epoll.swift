import CLinux

#if canImport(Glibc)
import Glibc
#endif

/// A level-triggered epoll instance; each file descriptor is registered with a token (its
/// connection index) that comes back in the events.
struct Epoll: ~Copyable {
    let fd: Int32
    private let events: UnsafeMutablePointer<epoll_event>
    let capacity: Int

    init(capacity: Int) throws(LoadgenError) {
        let fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw .system("epoll_create1", errno: errno) }
        self.fd = fd
        self.capacity = capacity
        self.events = .allocate(capacity: capacity)
    }

    deinit {
        self.events.deallocate()
        close(self.fd)
    }

    static let readable = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    static let readableWritable = readable | EPOLLOUT.rawValue

    func add(_ descriptor: Int32, events: UInt32, token: Int) throws(LoadgenError) {
        try self.control(EPOLL_CTL_ADD, descriptor, events: events, token: token)
    }

    func modify(_ descriptor: Int32, events: UInt32, token: Int) throws(LoadgenError) {
        try self.control(EPOLL_CTL_MOD, descriptor, events: events, token: token)
    }

    private func control(_ operation: Int32, _ descriptor: Int32, events: UInt32, token: Int) throws(LoadgenError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = UInt64(token)
        guard epoll_ctl(self.fd, operation, descriptor, &event) == 0 else { throw .system("epoll_ctl", errno: errno) }
    }

    /// Waits up to `timeoutMilliseconds`; returns how many events are ready (0 on EINTR).
    func wait(timeoutMilliseconds: Int32) throws(LoadgenError) -> Int {
        let n = epoll_wait(self.fd, self.events, Int32(self.capacity), timeoutMilliseconds)
        if n < 0 {
            guard errno == EINTR else { throw .system("epoll_wait", errno: errno) }
            return 0
        }
        return Int(n)
    }

    @inline(__always)
    func event(_ index: Int) -> (token: Int, events: UInt32) {
        let event = self.events[index]
        return (Int(truncatingIfNeeded: event.data.u64), event.events)
    }
}
