internal import COpenSSL
import Synchronization

/// One `SSL_SESSION` reference.
final class StoredSession: @unchecked Sendable {   // OpenSSL sessions are reference-counted and locked
    let pointer: OpaquePointer

    /// Takes over one reference.
    init(adopting pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        SSL_SESSION_free(pointer)
    }

    var isTLS13: Bool { SSL_SESSION_get_protocol_version(pointer) == TLS1_3_VERSION }
}

/// The client side's memory of the last session per server, for resumption (RFC 8446 §2.2,
/// RFC 5077). Bounded: at `capacity` servers, the least recently stored is forgotten (docs/style.md §9).
///
/// RFC 8446 §C.4: "Clients SHOULD NOT reuse a ticket for multiple connections", so a TLS 1.3
/// session is handed out once and removed; the resumed connection's new ticket takes its place.
/// TLS 1.2 sessions stay until replaced.
final class ClientSessionCache: Sendable {
    private struct Entries {
        var sessions: [String: StoredSession] = [:]
        var order: [String] = []   // oldest first
    }

    let capacity: Int
    private let entries = Mutex(Entries())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func store(_ session: StoredSession, for key: String) {
        let evicted: StoredSession? = entries.withLock { entries in
            if entries.sessions.updateValue(session, forKey: key) != nil {
                entries.order.removeAll { $0 == key }
                entries.order.append(key)
                return nil
            }
            entries.order.append(key)
            guard entries.order.count > capacity else { return nil }
            return entries.sessions.removeValue(forKey: entries.order.removeFirst())
        }
        _ = evicted   // released outside the lock
    }

    /// The session to offer to `key`, if any; a TLS 1.3 session leaves the cache.
    func take(for key: String) -> StoredSession? {
        entries.withLock { entries in
            guard let session = entries.sessions[key] else { return nil }
            if session.isTLS13 || SSL_SESSION_is_resumable(session.pointer) != 1 {
                entries.sessions[key] = nil
                entries.order.removeAll { $0 == key }
            }
            return SSL_SESSION_is_resumable(session.pointer) == 1 ? session : nil
        }
    }

    func removeAll() {
        let dropped = entries.withLock { entries in
            defer { entries = Entries() }
            return entries.sessions
        }
        _ = dropped
    }

    var count: Int { entries.withLock { $0.sessions.count } }
}
