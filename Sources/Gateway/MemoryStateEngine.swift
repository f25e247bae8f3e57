import AgentDelivery
import CallControlMessages

/// The state engine in one process's memory: the default, with no Redis. Each user's stream is
/// a `ReplayWindow`, the same rules the delivery engine applies today, with an epoch drawn when the
/// stream starts (so a restarted process answers `incomplete`, never a silent gap). Answers
/// through the completion before the call returns. `now` is the loop's monotonic clock.
final class MemoryStateEngine: StateEngine, @unchecked Sendable {
    let settings: StateEngineSettings
    private let now: () -> UInt64
    /// Called with each published entry: a channel and `UserChannelMessage` bytes.
    var onPublish: (String, [UInt8]) -> Void = { _, _ in }

    private struct Stream {
        var epoch: String
        var window: ReplayWindow
        var touched: UInt64
        /// The back end's number of the last event appended with one.
        var lastNumber: EventNumber?
    }

    private var streams: [String: Stream] = [:]
    private var claims: [String: UInt64] = [:]
    private var counters: [String: (count: Int, ends: UInt64)] = [:]
    private var secrets: [String: [UInt8]] = [:]
    /// Operations since the last sweep of expired entries.
    private var sinceSweep = 0

    init(settings: StateEngineSettings, now: @escaping () -> UInt64) {
        self.settings = settings
        self.now = now
    }

    func append(user: String, event: NumberedEvent?, number: EventNumber?, publishTo channel: String?,
                completion: @escaping (Result<StreamEntry?, StateEngineError>) -> Void) {
        let time = now()
        sweepNow(time)
        if let number, let stream = liveStream(user, at: time), !number.follows(stream.lastNumber) {
            return completion(.success(nil))
        }
        var stream = liveStream(user, at: time) ?? Stream(
            epoch: RedisStateEngine.newEpoch(),
            window: ReplayWindow(capacity: settings.streamCapacity, maxAgeMilliseconds: UInt64(settings.streamMaxAgeMilliseconds)),
            touched: time)
        let epoch = stream.epoch
        let kept = stream.window.append(now: time) { event?.bytes(seq: $0, epoch: epoch) ?? [] }
        stream.touched = time
        if let number { stream.lastNumber = number }
        streams[user] = stream
        let entry = StreamEntry(position: StreamPosition(epoch: epoch, seq: kept.seq), bytes: kept.bytes)
        if let channel {
            onPublish(channel, UserChannelMessage(entry: entry, publishedMilliseconds: RedisStateEngine.unixMilliseconds()).bytes)
        }
        completion(.success(entry))
    }

    func read(user: String, after position: StreamPosition,
              completion: @escaping (Result<StreamRead, StateEngineError>) -> Void) {
        let time = now()
        guard var stream = liveStream(user, at: time) else {
            return completion(.success(position == .start ? .complete([], top: .start) : .incomplete(top: .start)))
        }
        let current = StreamPosition(epoch: stream.epoch, seq: stream.window.lastSeq)
        guard stream.epoch == position.epoch else { return completion(.success(.incomplete(top: current))) }
        let replay = stream.window.replay(after: position.seq, now: time)
        streams[user] = stream
        guard case .complete(let kept) = replay, !kept.contains(where: { $0.bytes.isEmpty }) else {
            return completion(.success(.incomplete(top: current)))
        }
        completion(.success(.complete(kept.map { StreamEntry(position: StreamPosition(epoch: stream.epoch, seq: $0.seq), bytes: $0.bytes) },
                                      top: current)))
    }

    func claim(_ key: String, ttlMilliseconds: Int, completion: @escaping (Result<Bool, StateEngineError>) -> Void) {
        let time = now()
        sweepNow(time)
        if let expires = claims[key], expires > time { return completion(.success(false)) }
        claims[key] = time + UInt64(ttlMilliseconds)
        completion(.success(true))
    }

    func increment(_ key: String, windowMilliseconds: Int, completion: @escaping (Result<Int, StateEngineError>) -> Void) {
        let time = now()
        sweepNow(time)
        var counter = counters[key].flatMap { $0.ends > time ? $0 : nil } ?? (count: 0, ends: time + UInt64(windowMilliseconds))
        counter.count += 1
        counters[key] = counter
        completion(.success(counter.count))
    }

    func sharedSecret(_ name: String, candidate: [UInt8], completion: @escaping (Result<[UInt8], StateEngineError>) -> Void) {
        if secrets[name] == nil { secrets[name] = candidate }
        completion(.success(secrets[name]!))
    }

    /// The user's stream unless its position outlived `positionTTLMilliseconds` since the last event.
    private func liveStream(_ user: String, at time: UInt64) -> Stream? {
        guard let stream = streams[user] else { return nil }
        guard time - stream.touched < UInt64(settings.positionTTLMilliseconds) else {
            streams[user] = nil
            return nil
        }
        return stream
    }

    /// Every 1,024 writes, forgets expired claims, counters and streams (each write's own key
    /// is checked as it goes).
    private func sweepNow(_ time: UInt64) {
        sinceSweep += 1
        guard sinceSweep >= 1_024 else { return }
        sinceSweep = 0
        claims = claims.filter { $0.value > time }
        counters = counters.filter { $0.value.ends > time }
        streams = streams.filter { time - $0.value.touched < UInt64(settings.positionTTLMilliseconds) }
    }
}
