import AgentDelivery
import Glibc
import RedisProtocol
import LastCallersWidget
import CallControlMessages

/// The state engine on Redis (docs/cluster.md §3), shared by every gateway instance. A user's
/// stream is two keys in one hash slot, after Centrifugo's Redis engine: a stream of events
/// whose IDs are `<seq>-0`, and a meta hash with the `epoch` and the last `seq`. One Lua script
/// appends (next seq, `XADD … MAXLEN ~`, `PUBLISH`), another reads after a seq, so that a
/// reader never sees a seq without its event. Every method answers on the client's loop.
final class RedisStateEngine: StateEngine, @unchecked Sendable {
    let client: RedisClient
    let settings: StateEngineSettings

    init(client: RedisClient, settings: StateEngineSettings) {
        self.client = client
        self.settings = settings
    }

    /// The stream and meta keys of `user`, with the user in a hash tag (one cluster slot).
    func keys(user: String) -> [String] {
        ["\(settings.keyPrefix):{u:\(user)}:stream", "\(settings.keyPrefix):{u:\(user)}:meta"]
    }

    /// ARGV: the event's head, capacity, stream TTL, meta TTL, channel (`''`: none), the epoch to
    /// start when there is none, now (Unix ms), the event's tail, and how to store it: `n` head,
    /// seq, `,"epoch":"…"`, tail (`NumberedEvent.bytes(seq:epoch:)`); `p` the head as it is; `t`
    /// nothing (a tombstone); then the back end's number for the event (epoch, n; `''`: none). A new
    /// epoch starts an empty stream at seq 1: whatever stream was left without its meta (evicted,
    /// expired) cannot be trusted. An event whose number is the back end's same epoch and not above
    /// the last one appended (`EventNumber.follows`) is a repeat: nothing is written, `{epoch, 0}`.
    /// Publishes `UserChannelMessage` bytes. Returns `{epoch, seq}`.
    static let appendScript = RedisScript("""
        local epoch = redis.call('HGET', KEYS[2], 'epoch')
        if epoch and ARGV[10] ~= '' then
          local last = redis.call('HMGET', KEYS[2], 'from', 'n')
          if last[1] == ARGV[10] and tonumber(ARGV[11]) <= tonumber(last[2]) then return {epoch, 0} end
        end
        if not epoch then
          epoch = ARGV[6]
          redis.call('DEL', KEYS[1])
          redis.call('HSET', KEYS[2], 'epoch', epoch, 'seq', 0)
        end
        local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
        if ARGV[10] ~= '' then redis.call('HSET', KEYS[2], 'from', ARGV[10], 'n', ARGV[11]) end
        local data = ARGV[1]
        if ARGV[9] == 'n' then
          data = ARGV[1] .. seq .. ',"epoch":"' .. epoch .. '"' .. ARGV[8]
        elseif ARGV[9] == 't' then
          data = ''
        end
        redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], seq .. '-0', 't', ARGV[7], 'd', data)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        if ARGV[5] ~= '' then
          redis.call('PUBLISH', ARGV[5], 'e ' .. seq .. ' ' .. epoch .. ' ' .. ARGV[7] .. ' ' .. data)
        end
        return {epoch, seq}
        """)

    /// ARGV: the tab's epoch, its last seq, the most events it may be behind (the capacity),
    /// the oldest event time still valid (Unix ms). Returns `{1, epoch, seq, event…}` with every
    /// event after the tab's seq, or `{0, epoch, seq}` when that cannot be complete: no meta (a
    /// tab that has seen nothing gets `{1, '', 0}`), another epoch, a seq ahead of the stream's,
    /// too far behind, an event below the stream's first entry (trimmed or expired), too old, or a
    /// tombstone (an empty event).
    static let readScript = RedisScript("""
        local meta = redis.call('HMGET', KEYS[2], 'epoch', 'seq')
        local epoch = meta[1]
        if not epoch then
          if ARGV[1] == '' and ARGV[2] == '0' then return {1, '', 0} end
          return {0, '', 0}
        end
        local top = tonumber(meta[2])
        local after = tonumber(ARGV[2])
        if epoch ~= ARGV[1] or after > top or top - after > tonumber(ARGV[3]) then return {0, epoch, top} end
        local result = {1, epoch, top}
        if after == top then return result end
        local entries = redis.call('XRANGE', KEYS[1], (after + 1) .. '-0', '+')
        if #entries ~= top - after then return {0, epoch, top} end
        local oldest = tonumber(ARGV[4])
        for _, entry in ipairs(entries) do
          local fields = entry[2]
          if tonumber(fields[2]) < oldest or fields[4] == '' then return {0, epoch, top} end
          result[#result + 1] = fields[4]
        end
        return result
        """)

    /// A fixed window: the first `INCR` sets the expiry.
    static let incrementScript = RedisScript("""
        local count = redis.call('INCR', KEYS[1])
        if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return count
        """)

    func append(user: String, event: NumberedEvent?, number: EventNumber?, publishTo channel: String?,
                completion: @escaping (Result<StreamEntry?, StateEngineError>) -> Void) {
        let mode = event.map { $0.numbered ? "n" : "p" } ?? "t"
        let arguments: [any RESPArgument] = [event?.head ?? [], settings.streamCapacity, settings.streamMaxAgeMilliseconds,
                                             settings.positionTTLMilliseconds, channel ?? "", Self.newEpoch(), Self.unixMilliseconds(),
                                             event?.tail ?? [], mode, number?.epoch ?? "", number?.n ?? 0]
        client.evaluate(Self.appendScript, keys: keys(user: user), arguments: arguments) { result in
            completion(Self.decode(result) { value in
                guard let items = value.elements, items.count == 2, let epoch = items[0].string,
                      let seq = items[1].integer, seq >= 0 else { return nil }
                guard seq > 0 else { return .some(nil) }
                return StreamEntry(position: StreamPosition(epoch: epoch, seq: UInt64(seq)),
                                   bytes: event?.bytes(seq: UInt64(seq), epoch: epoch) ?? [])
            })
        }
    }

    func read(user: String, after position: StreamPosition,
              completion: @escaping (Result<StreamRead, StateEngineError>) -> Void) {
        let oldest = Self.unixMilliseconds() - Int64(settings.streamMaxAgeMilliseconds)
        let arguments: [any RESPArgument] = [position.epoch, position.seq, settings.streamCapacity, oldest]
        client.evaluate(Self.readScript, keys: keys(user: user), arguments: arguments) { result in
            completion(Self.decode(result) { value in
                guard let items = value.elements, items.count >= 3, let complete = items[0].integer,
                      let epoch = items[1].string, let top = items[2].integer, top >= 0 else { return nil }
                let now = StreamPosition(epoch: epoch, seq: UInt64(top))
                guard complete == 1 else { return .incomplete(top: now) }
                let payloads = items[3...].compactMap(\.bytes)
                guard payloads.count == items.count - 3, UInt64(payloads.count) == now.seq - min(position.seq, now.seq) else { return nil }
                let entries = payloads.enumerated().map {
                    StreamEntry(position: StreamPosition(epoch: epoch, seq: position.seq + 1 + UInt64($0.offset)), bytes: $0.element)
                }
                return .complete(entries, top: now)
            })
        }
    }

    func claim(_ key: String, ttlMilliseconds: Int, completion: @escaping (Result<Bool, StateEngineError>) -> Void) {
        client.send(RESPCommand("SET", "\(settings.keyPrefix):claim:\(key)", "1", "NX", "PX", ttlMilliseconds)) { result in
            completion(Self.decode(result) { value in
                switch value {
                case .simpleString("OK"): true
                case .null: false
                default: nil
                }
            })
        }
    }

    /// `SET key ? NX PX ttl GET` (Redis 7.0): nil when the claim is ours, else what the key holds
    /// (`?` while its first claimer works, then what it settled). Keys under `<prefix>:claim:`.
    func claimOrRead(_ key: String, ttlMilliseconds: Int, completion: @escaping (Result<[UInt8]?, StateEngineError>) -> Void) {
        client.send(RESPCommand("SET", "\(settings.keyPrefix):claim:\(key)", "?", "NX", "PX", ttlMilliseconds, "GET")) { result in
            completion(Self.decode(result) { value -> [UInt8]?? in value.isNull ? .some(nil) : value.bytes.map { .some($0) } })
        }
    }

    /// The claim's outcome, for those who claim after (`SET key value PX ttl`).
    func settle(_ key: String, value: [UInt8], ttlMilliseconds: Int) {
        client.send(RESPCommand("SET", "\(settings.keyPrefix):claim:\(key)", value, "PX", ttlMilliseconds)) { _ in }
    }

    /// Forgets a claim (`DEL`).
    func release(_ key: String) {
        client.send(RESPCommand("DEL", "\(settings.keyPrefix):claim:\(key)")) { _ in }
    }

    /// KEYS: the number's list of callers, the index of numbers (a sorted set by last record,
    /// Unix ms). ARGV: the agent, the caller's element (`LastCaller.stored`), the agents kept per
    /// number, the numbers kept, now, the number, the prefix of the lists' keys. The agent's older
    /// element (and any that is not a caller object) goes, the new one goes first, the list is
    /// trimmed; past the capacity the least recently recorded numbers are forgotten.
    static let recordCallerScript = RedisScript("""
        for _, item in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
          local ok, decoded = pcall(cjson.decode, item)
          if not ok or type(decoded) ~= 'table' or decoded.agent == ARGV[1] then redis.call('LREM', KEYS[1], 0, item) end
        end
        redis.call('LPUSH', KEYS[1], ARGV[2])
        redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
        redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
        local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
        if over > 0 then
          for _, number in ipairs(redis.call('ZRANGE', KEYS[2], 0, over - 1)) do redis.call('DEL', ARGV[7] .. number) end
          redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
        end
        return 0
        """)

    /// The shared list of last callers: one list per number and an index of numbers, in one hash
    /// slot (`{lc}`), so the script also runs on a Redis Cluster.
    func lastCallersKeys(number: String) -> [String] {
        ["\(settings.keyPrefix):{lc}:n:\(number)", "\(settings.keyPrefix):{lc}:numbers"]
    }

    /// Puts `caller` first in `number`'s list (docs/cluster.md §6.5).
    func recordLastCaller(number: String, caller: LastCaller, completion: @escaping (Result<Void, StateEngineError>) -> Void) {
        let arguments: [any RESPArgument] = [caller.agent, caller.stored, settings.lastCallersLength, settings.lastCallersCapacity,
                                             Self.unixMilliseconds(), number, "\(settings.keyPrefix):{lc}:n:"]
        client.evaluate(Self.recordCallerScript, keys: lastCallersKeys(number: number), arguments: arguments) { result in
            completion(Self.decode(result) { _ in () })
        }
    }

    /// Who called `number` last, most recent first (`LRANGE`); elements that are not callers are skipped.
    func lastCallers(number: String, completion: @escaping (Result<[LastCaller], StateEngineError>) -> Void) {
        client.send(RESPCommand("LRANGE", lastCallersKeys(number: number)[0], 0, settings.lastCallersLength - 1)) { result in
            completion(Self.decode(result) { value in value.elements.map { $0.compactMap { $0.bytes.flatMap(LastCaller.init(stored:)) } } })
        }
    }

    /// KEYS: the user name's count, the address's. ARGV: their limits, the window (ms). Returns 1
    /// when the user's count is at its limit, 2 when the address's is, else counts the attempt
    /// against both (the window starts at a key's first attempt) and returns 0.
    static let attemptScript = RedisScript("""
        if tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1]) then return 1 end
        if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then return 2 end
        if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        if redis.call('INCR', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
        return 0
        """)

    /// A right password: the user name's count goes, the address's loses the attempt.
    static let forgetAttemptScript = RedisScript("""
        redis.call('DEL', KEYS[1])
        if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
        return 0
        """)

    /// The login throttle's keys, in one hash slot (`{login}`).
    func attemptKeys(user: String, address: String) -> [String] {
        ["\(settings.keyPrefix):{login}:user:\(user)", "\(settings.keyPrefix):{login}:address:\(address)"]
    }

    /// Counts a password attempt unless the user name or the address is at its limit: nil when
    /// counted, else which one blocks.
    func countAttempt(user: String, address: String, limits: (user: Int, address: Int), windowMilliseconds: Int,
                      completion: @escaping (Result<LoginLimiter.Block?, StateEngineError>) -> Void) {
        client.evaluate(Self.attemptScript, keys: attemptKeys(user: user, address: address),
                        arguments: [limits.user, limits.address, windowMilliseconds]) { result in
            completion(Self.decode(result) { value -> LoginLimiter.Block?? in
                switch value {
                case .integer(0): .some(nil)
                case .integer(1): .some(.user)
                case .integer(2): .some(.address)
                default: nil
                }
            })
        }
    }

    func forgetAttempt(user: String, address: String) {
        client.evaluate(Self.forgetAttemptScript, keys: attemptKeys(user: user, address: address), arguments: []) { _ in }
    }

    func increment(_ key: String, windowMilliseconds: Int, completion: @escaping (Result<Int, StateEngineError>) -> Void) {
        client.evaluate(Self.incrementScript, keys: ["\(settings.keyPrefix):count:\(key)"], arguments: [windowMilliseconds]) { result in
            completion(Self.decode(result) { value in
                guard case .integer(let count) = value else { return nil }
                return Int(count)
            })
        }
    }

    /// `SET … NX GET` (Redis 7.0): nil when ours was stored, else the one stored before.
    func sharedSecret(_ name: String, candidate: [UInt8], completion: @escaping (Result<[UInt8], StateEngineError>) -> Void) {
        sharedSecret(name, candidate: candidate, ttlMilliseconds: nil, completion: completion)
    }

    /// The same, forgotten `ttlMilliseconds` after the first instance stored it (`PX`).
    func sharedSecret(_ name: String, candidate: [UInt8], ttlMilliseconds: Int?,
                      completion: @escaping (Result<[UInt8], StateEngineError>) -> Void) {
        var arguments: [any RESPArgument] = ["\(settings.keyPrefix):secret:\(name)", candidate, "NX", "GET"]
        if let ttlMilliseconds { arguments += ["PX", ttlMilliseconds] }
        client.send(RESPCommand("SET", arguments)) { result in
            completion(Self.decode(result) { value in value.isNull ? candidate : value.bytes })
        }
    }

    static func decode<T>(_ result: Result<RESPValue, RedisError>, _ shape: (RESPValue) -> T?) -> Result<T, StateEngineError> {
        switch result {
        case .failure(let error): return .failure(.redis(error))
        case .success(let value):
            guard let decoded = shape(value) else { return .failure(.unexpectedReply("\(value)".prefix(200).description)) }
            return .success(decoded)
        }
    }

    /// 16 random hex digits.
    static func newEpoch() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    static func unixMilliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
