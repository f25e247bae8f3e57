import RedisProtocol

/// Leases (docs/cluster.md §6.4): a key one holder owns for a while, renewed while it holds it,
/// given back when done; a holder that dies without giving it back loses it when it expires.
/// Keys under `<prefix>:lease:`; the value names the holder, so that only it renews or frees it.
extension RedisStateEngine {
    /// ARGV: the holder, the ttl. Renews the lease when the holder still holds it: 1, else 0.
    static let renewLeaseScript = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """)

    /// ARGV: the holder. Frees the lease when the holder still holds it.
    static let releaseLeaseScript = RedisScript("""
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """)

    func leaseKey(_ key: String) -> String { "\(settings.keyPrefix):lease:\(key)" }

    /// `SET key holder NX PX ttl`: true when the lease is `holder`'s now, false when another holds it.
    func acquireLease(_ key: String, holder: String, ttlMilliseconds: Int, completion: @escaping (Result<Bool, StateEngineError>) -> Void) {
        client.send(RESPCommand("SET", leaseKey(key), holder, "NX", "PX", ttlMilliseconds)) { result in
            completion(Self.decode(result) { value in
                switch value {
                case .simpleString("OK"): true
                case .null: false
                default: nil
                }
            })
        }
    }

    /// True when `holder` still held the lease and it lives `ttlMilliseconds` more.
    func renewLease(_ key: String, holder: String, ttlMilliseconds: Int, completion: @escaping (Result<Bool, StateEngineError>) -> Void) {
        client.evaluate(Self.renewLeaseScript, keys: [leaseKey(key)], arguments: [holder, ttlMilliseconds]) { result in
            completion(Self.decode(result) { value in
                guard case .integer(let renewed) = value else { return nil }
                return renewed == 1
            })
        }
    }

    func releaseLease(_ key: String, holder: String) {
        client.evaluate(Self.releaseLeaseScript, keys: [leaseKey(key)], arguments: [holder]) { _ in }
    }

    /// Whether anyone holds the lease (`EXISTS`).
    func leaseHeld(_ key: String, completion: @escaping (Result<Bool, StateEngineError>) -> Void) {
        client.send(RESPCommand("EXISTS", leaseKey(key))) { result in
            completion(Self.decode(result) { value in
                guard case .integer(let count) = value else { return nil }
                return count > 0
            })
        }
    }
}
