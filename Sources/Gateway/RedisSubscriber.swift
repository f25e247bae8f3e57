import RedisProtocol

/// Pub/sub on a dedicated connection (docs/cluster.md §2): channels and patterns are
/// remembered and subscribed again after every reconnect, and each message is handed to
/// `handler` on the loop's thread. Messages published while the connection was down are not
/// seen (Redis pub/sub keeps nothing): the per-user stream is what a tab recovers from.
///
/// Under RESP2 a subscribed connection only carries (P)SUBSCRIBE, their opposites and PING, and
/// every message arrives as an array; under RESP3 (`redis.resp3`) as push data. Both are read here.
final class RedisSubscriber: @unchecked Sendable {
    /// One published message.
    struct Message: Equatable {
        var channel: String
        /// The pattern it matched, for a `PSUBSCRIBE`.
        var pattern: String?
        var payload: [UInt8]
    }

    let client: RedisClient
    private(set) var channels: Set<String> = []
    private(set) var patterns: Set<String> = []
    /// Subscriptions the server confirmed on the current connection (its count in the last
    /// `subscribe`/`psubscribe` answer).
    private(set) var confirmed = 0
    var handler: (Message) -> Void = { _ in }
    /// The connection was lost or could not be made (after `confirmed` went back to 0). Set this,
    /// not `client.onDown`, which the subscriber itself needs.
    var onDown: (RedisError) -> Void = { _ in }
    /// Connected (again), with every remembered channel and pattern asked for once more.
    var onReady: () -> Void = {}
    /// The server confirmed a channel's subscription: what is published on it from now on arrives.
    var onSubscribed: (String) -> Void = { _ in }

    init(settings: RedisSettings, name: String, loop: EventLoop) throws(RedisError) {
        client = try RedisClient(settings: settings, name: name, role: .subscriber, loop: loop)
        client.onReady = { [weak self] in
            self?.subscribeAll()
            self?.onReady()
        }
        client.onPush = { [weak self] value in self?.received(value) }
        client.onDown = { [weak self] error in
            self?.confirmed = 0
            self?.onDown(error)
        }
    }

    func start() { client.start() }
    func stop() { client.stop() }

    func subscribe(_ channel: String) {
        guard channels.insert(channel).inserted else { return }
        client.sendUnanswered(RESPCommand("SUBSCRIBE", channel))
    }

    func unsubscribe(_ channel: String) {
        guard channels.remove(channel) != nil else { return }
        client.sendUnanswered(RESPCommand("UNSUBSCRIBE", channel))
    }

    func subscribe(pattern: String) {
        guard patterns.insert(pattern).inserted else { return }
        client.sendUnanswered(RESPCommand("PSUBSCRIBE", pattern))
    }

    func unsubscribe(pattern: String) {
        guard patterns.remove(pattern) != nil else { return }
        client.sendUnanswered(RESPCommand("PUNSUBSCRIBE", pattern))
    }

    private func subscribeAll() {
        confirmed = 0
        if !channels.isEmpty { client.sendUnanswered(RESPCommand("SUBSCRIBE", channels.sorted())) }
        if !patterns.isEmpty { client.sendUnanswered(RESPCommand("PSUBSCRIBE", patterns.sorted())) }
    }

    /// `message channel payload`, `pmessage pattern channel payload`, or a (un)subscribe
    /// confirmation `kind name count`; `pong` answers are ignored.
    private func received(_ value: RESPValue) {
        guard let items = value.elements, let kind = items.first?.string?.lowercased() else { return }
        switch kind {
        case "message" where items.count == 3:
            guard let channel = items[1].string, let payload = items[2].bytes else { return }
            handler(Message(channel: channel, pattern: nil, payload: payload))
        case "pmessage" where items.count == 4:
            guard let pattern = items[1].string, let channel = items[2].string, let payload = items[3].bytes else { return }
            handler(Message(channel: channel, pattern: pattern, payload: payload))
        case "subscribe", "psubscribe", "unsubscribe", "punsubscribe":
            if items.count == 3, let count = items[2].integer { confirmed = Int(count) }
            if kind == "subscribe", let channel = items[1].string { onSubscribed(channel) }
        default:
            break
        }
    }
}
