import AgentDelivery
import RedisProtocol
import Synchronization

/// The agent hub's link to the shared engine (docs/cluster.md §6), with `state.engine` `redis`:
/// the Redis state engine the user streams are appended to and read from, a subscriber for the
/// channels of the users with tabs here, and whether this instance is ready (`/readyz`). Lives on
/// the hub's loop; `notReady` is read from any loop.
final class SharedState: @unchecked Sendable {
    let engine: RedisStateEngine
    let subscriber: RedisSubscriber
    let settings: StateEngineSettings
    /// Why `/readyz` fails (nil: ready): Redis not reached yet, or down.
    let notReady = Mutex<String?>("redis: connecting")
    /// The hub's handler for what arrives: entries on a user's channel, and "back after a loss".
    var onEntries: (String, [StreamEntry]) -> Void = { _, _ in }
    var onUp: () -> Void = {}
    /// A tab on another instance acknowledged a ringing event (user, seq).
    var onAck: (String, UInt64) -> Void = { _, _ in }
    /// Another instance resent the user's ringing event `seq`.
    var onResend: (String, UInt64) -> Void = { _, _ in }
    /// A tab joined the user's tabs on an instance (this one's own announcements included).
    var onJoined: (String, TabJoined) -> Void = { _, _ in }
    /// An instance's tabs of a user (this one's own included).
    var onPresence: (String, TabPresence) -> Void = { _, _ in }
    /// An instance's heartbeat (this one's own included).
    var onHeartbeat: (String) -> Void = { _ in }
    /// The popup links whose leases sessions here hold in Redis, with each holder's name
    /// (`AgentHub+LinkLeases.swift`), how long a lease lives unrenewed, and when they are renewed next.
    var linkLeases: [String: String] = [:]
    var leaseSerial: UInt64 = 0
    let linkLeaseMilliseconds: Int
    var nextLeaseRenewal: UInt64 = 0
    /// Messages for user channels whose subscription Redis has not confirmed yet (`publish`), at
    /// most `maxAwaiting` per channel (the oldest go, logged and counted: docs/cluster.md §6.7).
    private var awaitingSubscription: [String: [[UInt8]]] = [:]
    private static let maxAwaiting = 64
    private var commandsUp = false
    private var channelsUp = false
    private var wasDown = false
    private let loop: EventLoop
    private let lagSumKey = "callgate_redis_pubsub_lag_milliseconds_sum"
    private let lagCountKey = "callgate_redis_pubsub_lag_milliseconds_count"

    init(settings: StateSettings, delivery: DeliverySettings, lastCallers: LastCallersSettings, loop: EventLoop) throws(RedisError) {
        self.loop = loop
        linkLeaseMilliseconds = settings.linkLeaseMilliseconds
        self.settings = StateEngineSettings(keyPrefix: settings.keyPrefix, streamCapacity: delivery.replayEvents,
                                            streamMaxAgeMilliseconds: delivery.replayAgeSeconds * 1_000,
                                            positionTTLMilliseconds: settings.positionTTLSeconds * 1_000,
                                            lastCallersLength: lastCallers.historyLength, lastCallersCapacity: lastCallers.capacity)
        var commands = settings.redis
        commands.clientName = settings.redis.clientName + "-state"
        engine = RedisStateEngine(client: try RedisClient(settings: commands, name: "state", loop: loop), settings: self.settings)
        var channels = settings.redis
        channels.clientName = settings.redis.clientName + "-events"
        subscriber = try RedisSubscriber(settings: channels, name: "events", loop: loop)
        engine.client.onReady = { [unowned self] in changed(commands: true, nil) }
        engine.client.onDown = { [unowned self] error in changed(commands: false, error) }
        subscriber.onReady = { [unowned self] in changed(channels: true, nil) }
        subscriber.onDown = { [unowned self] error in
            // Subscribed again when it is back: until then, nothing this instance asks is heard.
            for channel in subscriber.channels where channel != self.settings.instancesChannel {
                awaitingSubscription[channel] = awaitingSubscription[channel] ?? []
            }
            changed(channels: false, error)
        }
        subscriber.onSubscribed = { [unowned self] channel in subscribed(channel) }
        subscriber.handler = { [unowned self] message in received(message) }
    }

    /// On the hub's loop.
    func start() {
        subscriber.subscribe(settings.instancesChannel)
        engine.client.start()
        subscriber.start()
    }

    func stop() {
        engine.client.stop()
        subscriber.stop()
    }

    func follow(_ user: String) {
        let channel = settings.channel(user: user)
        if !subscriber.channels.contains(channel) { awaitingSubscription[channel] = [] }
        subscriber.subscribe(channel)
    }

    func unfollow(_ user: String) {
        let channel = settings.channel(user: user)
        subscribed(channel)
        subscriber.unsubscribe(channel)
    }

    /// Tells the instances following `user`: a tab's ack, a resend, a tab joined, this instance's
    /// tabs of the user (`UserChannelMessage`, `TabJoined`, `TabPresence`). Until Redis confirmed
    /// this instance's own subscription to the channel, the message waits: the answers it asks
    /// for (a newcomer's `TabPresence`) would otherwise be published before this instance hears
    /// the channel (the two connections reach Redis in either order), and be lost.
    func publish(user: String, _ bytes: [UInt8]) {
        let channel = settings.channel(user: user)
        if awaitingSubscription[channel] != nil {
            awaitingSubscription[channel]!.append(bytes)
            if awaitingSubscription[channel]!.count > Self.maxAwaiting {
                awaitingSubscription[channel]!.removeFirst()
                loop.metrics.routeEvent("ws", "channel_message_dropped")
                Log.warning("redis_channel_message_dropped", ["channel": channel, "reason": "subscription not confirmed", "waiting": "\(Self.maxAwaiting)"])
            }
            return
        }
        engine.client.send(RESPCommand("PUBLISH", channel, bytes)) { _ in }
    }

    /// The channel's subscription is in effect (or no longer wanted): what waited is published.
    private func subscribed(_ channel: String) {
        guard let waiting = awaitingSubscription.removeValue(forKey: channel) else { return }
        for bytes in waiting { engine.client.send(RESPCommand("PUBLISH", channel, bytes)) { _ in } }
    }

    /// Tells every instance that this one is alive (docs/cluster.md §6.7).
    func publishHeartbeat() {
        engine.client.send(RESPCommand("PUBLISH", settings.instancesChannel, TabPresence.heartbeatBytes(instance: InstanceName.current))) { _ in }
    }

    private func received(_ message: RedisSubscriber.Message) {
        if message.channel == settings.instancesChannel {
            if let instance = TabPresence.heartbeat(message.payload) { onHeartbeat(instance) }
            return
        }
        if let user = settings.user(channel: message.channel), let presence = TabPresence(bytes: message.payload) {
            return onPresence(user, presence)
        }
        if let user = settings.user(channel: message.channel), let seq = UserChannelMessage.ack(message.payload) {
            return onAck(user, seq)
        }
        if let user = settings.user(channel: message.channel), let seq = UserChannelMessage.resend(message.payload) {
            return onResend(user, seq)
        }
        if let user = settings.user(channel: message.channel), let joined = TabJoined(bytes: message.payload) {
            return onJoined(user, joined)
        }
        guard let user = settings.user(channel: message.channel), let parsed = UserChannelMessage(bytes: message.payload) else {
            Log.warning("redis_message_ignored", ["channel": message.channel, "bytes": "\(message.payload.count)"])
            return
        }
        let lag = max(0, RedisStateEngine.unixMilliseconds() - parsed.publishedMilliseconds)
        loop.metrics.add(labelled: lagSumKey, Int(lag))
        loop.metrics.add(labelled: lagCountKey)
        onEntries(user, [parsed.entry])
    }

    /// Readiness follows both connections; once both are back after a loss, the hub hears it.
    private func changed(commands: Bool? = nil, channels: Bool? = nil, _ error: RedisError?) {
        if let commands { commandsUp = commands }
        if let channels { channelsUp = channels }
        if commandsUp && channelsUp {
            notReady.withLock { $0 = nil }
            if wasDown {
                wasDown = false
                onUp()
            }
        } else if let error {
            wasDown = true
            notReady.withLock { $0 = "redis: \(error)" }
        }
    }
}

extension Result where Failure == StateEngineError {
    /// The engine's error as the delivery engine's input carries it.
    var shared: Result<Success, SharedStateFailure> { mapError { SharedStateFailure("\($0)") } }
}
