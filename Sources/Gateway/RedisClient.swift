import Glibc
import RedisProtocol
import RetryBackoff
import TLSBridge

/// A Redis client on one event loop (docs/cluster.md §2): one connection, commands pipelined
/// (written as they come, many in flight, replies matched to them in order, RESP §"Pipelining"),
/// reconnected after a loss with exponential backoff and full jitter (`Backoff`).
///
/// - At each connect: TCP, TLS when configured, then `HELLO 3` (RESP3) or `AUTH`, then
///   `CLIENT SETNAME` and `SELECT`; commands submitted meanwhile wait and are written once
///   these succeeded. A refused handshake is a failed connect (retried with backoff, logged).
/// - Every command gets exactly one completion, on the loop's thread: the reply, the server's
///   error reply (`RedisError.server`), or why there is none. On a lost connection every
///   command in flight fails (`connectionLost`, `midReply` when part of a reply had come):
///   none is retried, since the server may have run it. While the client waits to reconnect,
///   new commands fail at once (`unavailable`) instead of piling up behind a server that is down.
/// - Timers are the loop's ticks: a timeout fires up to one tick late.
/// - A `.subscriber` client carries pub/sub (`RedisSubscriber`): after the handshake every
///   array or push it receives is a message for `onPush`, not a reply.
///
/// Completions of commands that fail at once (`unavailable`, `overloaded`, `stopped`) run
/// before `send` returns.
final class RedisClient: TimedHandler, @unchecked Sendable {
    enum Role { case commands, subscriber }
    typealias Completion = (Result<RESPValue, RedisError>) -> Void

    private enum State: Equatable {
        case stopped
        /// TCP and TLS, then the handshake's replies; since when (loop milliseconds).
        case connecting(since: UInt64)
        case ready
        case waitingToRetry(until: UInt64, cause: RedisError)
    }

    private struct Pending {
        var deadline: UInt64
        /// A handshake command: its failure is the connection's, not a caller's.
        var isHandshake: Bool
        var completion: Completion
    }

    let settings: RedisSettings
    /// The `client` label of this client's metrics and log lines.
    let name: String
    let role: Role
    unowned let loop: EventLoop
    var tickSlot = -1
    private let address: Result<SocketAddress, RedisError>
    private let tls: (context: TLSClientContext, serverName: String)?
    private var connection: RedisConnection?
    private var state = State.stopped
    /// Written, waiting for their replies, oldest first.
    private var inFlight = RedisQueue<Pending>()
    /// Waiting for the connection to be ready.
    private var queued: [(command: RESPCommand, pending: Pending)] = []
    private var handshakeLeft = 0
    private var backoff: Backoff
    private var wasReady = false
    private var lastReceived: UInt64 = 0
    private var pingSentAt: UInt64?
    private let roundTripKey, reconnectKey, scriptReloadKey: String

    /// After each successful handshake (pub/sub subscribes again here).
    var onReady: (() -> Void)?
    /// RESP3 push data, and for a subscriber every array after the handshake.
    var onPush: ((RESPValue) -> Void)?
    /// The connection was lost or could not be made.
    var onDown: ((RedisError) -> Void)?

    /// Resolves the host at once (blocking getaddrinfo: call at start, not on a loop thread; an
    /// IP literal needs no lookup) and builds the TLS context; `start()` connects.
    init(settings: RedisSettings, name: String, role: Role = .commands, loop: EventLoop) throws(RedisError) {
        self.settings = settings
        self.name = name
        self.role = role
        self.loop = loop
        do throws(SocketAddress.ParseError) {
            address = .success(try SocketAddress.resolve(host: settings.host, port: settings.port))
        } catch {
            address = .failure(.unresolved(settings.host))
        }
        if let configuration = settings.tls {
            do {
                tls = (try TLSClientContext(configuration), settings.tlsServerName ?? settings.host)
            } catch {
                throw .tls(error)
            }
        } else {
            tls = nil
        }
        backoff = Backoff(baseMilliseconds: settings.reconnectBaseMilliseconds, capMilliseconds: settings.reconnectCapMilliseconds)
        roundTripKey = "callgate_redis_round_trips_total{client=\"\(name)\"}"
        reconnectKey = "callgate_redis_reconnects_total{client=\"\(name)\"}"
        scriptReloadKey = "callgate_redis_script_loads_total{client=\"\(name)\"}"
    }

    var isReady: Bool { state == .ready }

    /// Commands sent and not answered, and commands waiting for the connection.
    var pendingCount: Int { inFlight.count + queued.count }

    // MARK: lifecycle (loop thread)

    func start() {
        guard state == .stopped else { return }
        loop.addTimed(self)
        connect()
    }

    /// Closes the connection; every waiting command fails with `stopped`.
    func stop() {
        guard state != .stopped else { return }
        connection?.close()
        connection = nil
        state = .stopped
        loop.removeTimed(self)
        failAll(.stopped)
    }

    // MARK: commands (loop thread)

    func send(_ command: RESPCommand, completion: @escaping Completion) {
        switch state {
        case .stopped:
            return completion(.failure(.stopped))
        case .waitingToRetry(_, let cause):
            return completion(.failure(.unavailable(cause)))
        case .connecting, .ready:
            break
        }
        guard pendingCount < settings.maxPendingCommands else {
            error(.overloaded(limit: settings.maxPendingCommands))
            return completion(.failure(.overloaded(limit: settings.maxPendingCommands)))
        }
        let pending = Pending(deadline: loop.now + UInt64(settings.commandTimeoutMilliseconds), isHandshake: false, completion: completion)
        if state == .ready, let connection {
            connection.send(command)
            inFlight.append(pending)
        } else {
            queued.append((command, pending))
        }
    }

    /// Sends a command whose answers come as pub/sub messages (`SUBSCRIBE`, `PSUBSCRIBE`, their
    /// opposites, `PING` on a subscriber); false when not connected (the subscriber sends its
    /// subscriptions again at the next `onReady`).
    @discardableResult
    func sendUnanswered(_ command: RESPCommand) -> Bool {
        guard state == .ready, let connection else { return false }
        connection.send(command)
        return true
    }

    /// Runs `script` by its SHA-1 (`EVALSHA`); when the server does not have it (`NOSCRIPT`:
    /// restarted, flushed, failed over), sends the source with `EVAL`, which also caches it.
    /// The fallback is a second round trip after the first reply, so it may run after commands
    /// sent in between.
    func evaluate(_ script: RedisScript, keys: [String], arguments: [any RESPArgument], completion: @escaping Completion) {
        let tail: [any RESPArgument] = [keys.count] + keys + arguments
        send(RESPCommand("EVALSHA", [script.sha1] + tail)) { [weak self] result in
            guard case .failure(.server(let reply)) = result, reply.code == "NOSCRIPT", let self else { return completion(result) }
            self.loop.metrics.add(labelled: self.scriptReloadKey)
            self.send(RESPCommand("EVAL", [script.source] + tail), completion: completion)
        }
    }

    // MARK: the connection

    private func connect() {
        let address: SocketAddress
        switch self.address {
        case .success(let resolved): address = resolved
        case .failure(let error): return lost(error)
        }
        state = .connecting(since: loop.now)
        do {
            connection = try RedisConnection(address: address, tls: tls, limits: settings.replyLimits, loop: loop) { [weak self] event in
                self?.handle(event)
            }
        } catch {
            lost(error)
        }
    }

    private func handle(_ event: RedisConnection.Event) {
        switch event {
        case .opened:
            sendHandshake()
        case .value(let value):
            lastReceived = loop.now
            pingSentAt = nil
            dispatch(value)
        case .closed(let error):
            connection = nil
            lost(error)
        }
    }

    /// `HELLO 3 [AUTH user password] SETNAME name`, or `AUTH` and `CLIENT SETNAME`; then `SELECT`.
    private func sendHandshake() {
        var commands: [RESPCommand] = []
        if settings.resp3 {
            var arguments: [any RESPArgument] = ["3"]
            if let password = settings.password { arguments += ["AUTH", settings.username ?? "default", password] }
            if !settings.clientName.isEmpty { arguments += ["SETNAME", settings.clientName] }
            commands.append(RESPCommand("HELLO", arguments))
        } else {
            if let password = settings.password {
                commands.append(settings.username.map { RESPCommand("AUTH", $0, password) } ?? RESPCommand("AUTH", password))
            }
            if !settings.clientName.isEmpty { commands.append(RESPCommand("CLIENT", "SETNAME", settings.clientName)) }
        }
        if settings.database != 0 { commands.append(RESPCommand("SELECT", settings.database)) }
        handshakeLeft = commands.count
        guard let connection, !commands.isEmpty else { return ready() }
        for command in commands {
            connection.send(command)
            inFlight.append(Pending(deadline: .max, isHandshake: true) { [weak self] result in
                guard let self else { return }
                switch result {
                case .failure(.server(let reply)):
                    self.connection?.close()
                    self.connection = nil
                    self.lost(.handshakeRefused(reply))
                case .failure:
                    break // the connection is being failed already
                case .success:
                    self.handshakeLeft -= 1
                    if self.handshakeLeft == 0 { self.ready() }
                }
            })
        }
    }

    private func ready() {
        guard let connection else { return }
        state = .ready
        backoff.succeeded()
        if wasReady { loop.metrics.add(labelled: reconnectKey) }
        wasReady = true
        lastReceived = loop.now
        Log.info("redis_ready", ["client": name, "server": "\(settings.host):\(settings.port)", "queued": "\(queued.count)"])
        let waiting = queued
        queued = []
        for (command, pending) in waiting {
            connection.send(command)
            inFlight.append(pending)
        }
        onReady?()
    }

    private func dispatch(_ value: RESPValue) {
        if case .push = value { return push(value) }
        if role == .subscriber, state == .ready, case .array = value { return push(value) }
        guard let pending = inFlight.popFirst() else {
            // A RESP3 subscriber's PING is answered with a plain +PONG.
            if role == .subscriber { return }
            connection?.close()
            connection = nil
            return lost(.unexpectedReply)
        }
        loop.metrics.add(labelled: roundTripKey)
        if case .error(let reply) = value {
            error(.server(reply))
            pending.completion(.failure(.server(reply)))
        } else {
            pending.completion(.success(value))
        }
    }

    private func push(_ value: RESPValue) {
        loop.metrics.add(labelled: roundTripKey)
        onPush?(value)
    }

    /// The connection failed or could not be made: every command waiting fails, and the next
    /// attempt waits for the backoff. `first` overrides the error of the oldest command in
    /// flight (the one that timed out).
    private func lost(_ cause: RedisError, first: RedisError? = nil) {
        let wasUp = state == .ready
        let delay = backoff.failed(fraction: Double.random(in: 0..<1))
        state = .waitingToRetry(until: loop.now + UInt64(delay), cause: cause)
        error(first ?? cause)
        Log.warning("redis_down", ["client": name, "server": "\(settings.host):\(settings.port)", "error": "\(first ?? cause)",
                                   "failed_commands": "\(pendingCount - handshakeInFlight)", "retry_ms": "\(delay)"])
        failAll(cause, first: first)
        if wasUp || role == .subscriber { onDown?(first ?? cause) }
    }

    private var handshakeInFlight: Int {
        var count = 0
        inFlight.forEach { if $0.isHandshake { count += 1 } }
        return count
    }

    private func failAll(_ error: RedisError, first: RedisError? = nil) {
        let sent = inFlight.removeAll()
        let waiting = queued
        queued = []
        var isFirst = true
        for pending in sent where !pending.isHandshake {
            pending.completion(.failure(isFirst ? first ?? error : error))
            isFirst = false
        }
        for (_, pending) in waiting { pending.completion(.failure(error)) }
    }

    private func error(_ error: RedisError) {
        loop.metrics.add(labelled: "callgate_redis_errors_total{client=\"\(name)\",kind=\"\(error.kind)\"}")
    }

    // MARK: timers

    func tick(now: UInt64) {
        switch state {
        case .stopped:
            return
        case .waitingToRetry(let until, _):
            if now >= until { connect() }
        case .connecting(let since):
            if now - since >= UInt64(settings.connectTimeoutMilliseconds) {
                connection?.close()
                connection = nil
                lost(.timeout(milliseconds: settings.connectTimeoutMilliseconds))
            }
        case .ready:
            let timeout = settings.commandTimeoutMilliseconds
            if let oldest = inFlight.first, oldest.deadline <= now {
                // A late reply would be taken for the next command's: the connection goes.
                connection?.close()
                connection = nil
                return lost(.connectionLost(midReply: false), first: .timeout(milliseconds: timeout))
            }
            if role == .subscriber { keepSubscriberAlive(now: now) }
        }
        // Commands that waited for a connection too long.
        while let oldest = queued.first, oldest.pending.deadline <= now {
            queued.removeFirst()
            error(.timeout(milliseconds: settings.commandTimeoutMilliseconds))
            oldest.pending.completion(.failure(.timeout(milliseconds: settings.commandTimeoutMilliseconds)))
        }
    }

    /// A quiet subscriber connection cannot tell a dead server from no messages: it pings, and
    /// any byte back is an answer.
    private func keepSubscriberAlive(now: UInt64) {
        if let sentAt = pingSentAt {
            guard now - sentAt >= UInt64(settings.commandTimeoutMilliseconds) else { return }
            connection?.close()
            connection = nil
            lost(.timeout(milliseconds: settings.commandTimeoutMilliseconds))
        } else if now - lastReceived >= UInt64(settings.subscriberPingMilliseconds) {
            sendUnanswered(RESPCommand("PING"))
            pingSentAt = now
        }
    }
}

/// A first-in, first-out queue over an array and a head index: `append` and `popFirst`
/// amortised O(1), for the commands in flight.
struct RedisQueue<Element> {
    private var items: [Element] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }
    var first: Element? { isEmpty ? nil : items[head] }

    mutating func append(_ element: Element) { items.append(element) }

    mutating func popFirst() -> Element? {
        guard head < items.count else { return nil }
        let element = items[head]
        head += 1
        if head == items.count {
            items.removeAll(keepingCapacity: items.capacity <= 4096)
            head = 0
        } else if head >= 1024 && head * 2 >= items.count {
            items.removeSubrange(0..<head)
            head = 0
        }
        return element
    }

    /// Empties the queue and returns what it held, oldest first.
    mutating func removeAll() -> [Element] {
        let taken = Array(items[head...])
        items = []
        head = 0
        return taken
    }

    func forEach(_ body: (Element) -> Void) { items[head...].forEach(body) }
}
