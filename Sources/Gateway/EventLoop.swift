import Glibc
import CLinux
import Synchronization
import WSFraming

/// Something an event loop watches: a listening socket or a connection. A class rather than a
/// protocol so that dispatching an epoll event is one virtual call, with no existential cast.
/// Sendable only so that it can be handed to its own loop through `execute`: every handler is
/// used on its loop's thread alone.
class EventHandler: @unchecked Sendable {
    /// Called with the epoll event bits (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR) when the fd is ready.
    func handleEvents(_ events: UInt32) {}
}

/// Something that gathers writes during an iteration and sends them in one go at its end
/// (`EventLoop.deferFlush`): a connection, a Redis link.
protocol DeferredFlushing: AnyObject {
    /// Set while it waits in the loop's list, so that it is listed once.
    var flushDeferred: Bool { get set }
    func flush()
}

/// Something an event loop visits on each timer tick (timeouts, pings).
protocol TimedHandler: AnyObject {
    /// The handler's index in the loop's tick list, owned by the loop.
    var tickSlot: Int { get set }
    func tick(now: UInt64)
}

/// One thread, one epoll instance: every socket of a connection is served by the loop that
/// accepted it, so connection state needs no locks. Other threads talk to a loop only through
/// `execute(_:)`, which queues a closure and wakes the loop through an eventfd.
///
/// Readiness is level-triggered and each ready socket is read once per iteration, so one busy
/// peer cannot starve the others. Timers are coarse: every `tickInterval` the loop visits each
/// `TimedHandler`, which checks its own deadlines (a scan of a few thousand objects costs less
/// than a timer heap's bookkeeping on every read).
final class EventLoop: @unchecked Sendable {
    let index: Int
    private let epollFD: Int32
    private let wakeFD: Int32
    private var running = true

    private var timed: [TimedHandler] = []
    private let tickInterval: UInt64
    private var nextTick: UInt64 = 0

    /// The time of the current iteration, in monotonic milliseconds.
    private(set) var now: UInt64 = MonotonicClock.nowMilliseconds()

    private let pending = Mutex<[@Sendable () -> Void]>([])

    /// A receive buffer shared by every connection of this loop: only bytes that cannot be
    /// processed at once (a partial frame or head) are copied into a connection (docs/style.md §10).
    let receiveBuffer: UnsafeMutableRawBufferPointer

    let metrics: LoopMetrics
    /// TLS handshakes in progress on this loop (capped by `tls.maxHandshakesInFlightPerLoop`).
    var tlsHandshakesInFlight = 0
    /// The client role's masking keys (upstream connections of this loop).
    var maskKeys = MaskKeySource()
    /// Connections to flush once this iteration's events are handled (`Connection.deferFlush`).
    private var deferredFlushes: [any DeferredFlushing] = []
    /// Handlers deregistered during this iteration, released after it (see `deregister`).
    private var deregistered: [Unmanaged<EventHandler>] = []
    /// The zlib streams this loop's permessage-deflate connections share (docs/config.md,
    /// `permessageDeflate`).
    let deflatePool = DeflateStreamPool()
    /// Gives freed memory back after a burst of closes (`limits.trimAfterCloses`).
    private var memoryTrim: MemoryTrimPolicy
    /// Tasks for other loops posted during this iteration (`post(to:_:)`), in order, per loop.
    private var outbox: [(loop: EventLoop, tasks: [@Sendable () -> Void])] = []

    init(index: Int, tickIntervalMilliseconds: UInt64 = 250, receiveBufferSize: Int = 64 * 1024, trimAfterCloses: Int = 0) {
        self.index = index
        memoryTrim = MemoryTrimPolicy(threshold: trimAfterCloses)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epollFD >= 0, "epoll_create1 failed: errno \(errno)")
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        precondition(wakeFD >= 0, "eventfd failed: errno \(errno)")
        tickInterval = tickIntervalMilliseconds
        receiveBuffer = .allocate(byteCount: receiveBufferSize, alignment: 16)
        metrics = LoopMetrics()
        // The wake-up eventfd is the one registration whose data is 0: handlers are never nil.
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: 0))
        epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, &event)
    }

    deinit {
        close(epollFD)
        close(wakeFD)
        receiveBuffer.deallocate()
    }

    // MARK: registration (loop thread only)

    /// Watches `fd`; the loop keeps `handler` alive (epoll's data field holds a retained
    /// pointer) until `deregister`.
    func register(_ fd: Int32, _ handler: EventHandler, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(ptr: Unmanaged.passRetained(handler).toOpaque()))
        if epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) != 0 {
            Log.error("epoll_add_failed", ["fd": "\(fd)", "errno": "\(errno)"])
        }
    }

    func modify(_ fd: Int32, _ handler: EventHandler, events: UInt32) {
        var event = epoll_event(events: events, data: epoll_data_t(ptr: Unmanaged.passUnretained(handler).toOpaque()))
        epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    /// Stops watching `fd`; call before closing the fd. The loop's reference to the handler is
    /// dropped only after the current batch of events: an event for it may still be in the
    /// batch (a relay closes its other side from within another socket's event), and its
    /// pointer must stay valid until then; `handleEvents` of a closed handler does nothing.
    func deregister(_ fd: Int32, _ handler: EventHandler) {
        epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        deregistered.append(Unmanaged.passUnretained(handler))
    }

    func addTimed(_ handler: TimedHandler) {
        handler.tickSlot = timed.count
        timed.append(handler)
    }

    func removeTimed(_ handler: TimedHandler) {
        let slot = handler.tickSlot
        guard slot >= 0, slot < timed.count, timed[slot] === handler else { return }
        let last = timed.removeLast()
        if slot < timed.count {
            timed[slot] = last
            last.tickSlot = slot
        }
        handler.tickSlot = -1
    }

    var timedCount: Int { timed.count }

    /// Every `TimedHandler` of this loop (for shutdown).
    var timedHandlers: [TimedHandler] { timed }

    // MARK: cross-thread

    /// Runs `task` on this loop's thread, soon. Safe from any thread.
    func execute(_ task: @escaping @Sendable () -> Void) {
        pending.withLock { $0.append(task) }
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    /// Runs `task` on `target`'s thread after this loop's current iteration, with every other
    /// task posted to `target` in this iteration, in order, in one `execute`: one wake-up and one
    /// closure per loop per iteration, so that what one iteration sends to a connection (a call's
    /// `callNew` and `callRinging` to thousands of tabs) leaves in one write per socket, and a
    /// fan-out costs each target loop one eventfd write (docs/architecture.md §2.6).
    /// Only on this loop's thread.
    func post(to target: EventLoop, _ task: @escaping @Sendable () -> Void) {
        if let slot = outbox.firstIndex(where: { $0.loop === target }) {
            outbox[slot].tasks.append(task)
        } else {
            outbox.append((target, [task]))
        }
    }

    /// Hands each loop the tasks posted to it in this iteration.
    private func sendPosted() {
        guard !outbox.isEmpty else { return }
        let batches = outbox
        outbox.removeAll(keepingCapacity: true)
        for batch in batches {
            let tasks = batch.tasks
            batch.loop.execute { for task in tasks { task() } }
        }
    }

    /// Asks the loop to return from `run()` after the current iteration.
    func stop() {
        execute { [self] in running = false }
    }

    // MARK: the loop

    func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        nextTick = now + tickInterval
        while running {
            let timeout = Int32(clamping: nextTick > now ? nextTick - now : 0)
            let count = epoll_wait(epollFD, events, Int32(capacity), timeout)
            now = MonotonicClock.nowMilliseconds()
            if count < 0 && errno != EINTR {
                Log.error("epoll_wait_failed", ["errno": "\(errno)"])
                break
            }
            for item in 0..<max(0, Int(count)) {
                let event = events[item]
                guard let pointer = event.data.ptr else {
                    drainWakeups()
                    continue
                }
                // Held for the call: a handler may close itself, dropping the loop's references.
                let handler = Unmanaged<EventHandler>.fromOpaque(pointer).takeUnretainedValue()
                withExtendedLifetime(handler) { handler.handleEvents(event.events) }
            }
            flushDeferred()
            for handler in deregistered { handler.release() }
            deregistered.removeAll(keepingCapacity: true)
            if now >= nextTick {
                nextTick = now + tickInterval
                var slot = timed.count - 1
                while slot >= 0 {
                    if slot < timed.count { timed[slot].tick(now: now) }
                    slot -= 1
                }
                if memoryTrim.trimIsDue(now: now, quietMilliseconds: tickInterval) {
                    metrics.add(.memoryTrims)
                    malloc_trim(0)
                }
                metrics.publish()
            }
            sendPosted()
        }
    }

    /// A connection of this loop closed (`limits.trimAfterCloses`).
    func connectionClosed() {
        memoryTrim.connectionClosed(now: now)
    }

    func deferFlush(_ connection: any DeferredFlushing) {
        deferredFlushes.append(connection)
    }

    /// Flushes what relays queued during this iteration; a flush may queue more, so loop.
    private func flushDeferred() {
        while !deferredFlushes.isEmpty {
            let batch = deferredFlushes
            deferredFlushes.removeAll(keepingCapacity: true)
            for connection in batch {
                connection.flushDeferred = false
                connection.flush()
            }
        }
    }

    private func drainWakeups() {
        var value: UInt64 = 0
        _ = read(wakeFD, &value, 8)
        let tasks = pending.withLock { tasks -> [@Sendable () -> Void] in
            let taken = tasks
            tasks.removeAll()
            return taken
        }
        for task in tasks { task() }
    }
}
