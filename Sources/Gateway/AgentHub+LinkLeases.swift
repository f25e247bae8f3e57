/// The popup link's lease between instances (docs/cluster.md §6.4, docs/click-to-call.md §3.1):
/// a `sip` session opened with a link's token holds the link on its own instance
/// (`VodiaLinkLeases`) and, with `state.engine` `redis`, in Redis too (`SET NX PX`, renewed every
/// third of `state.linkLeaseMilliseconds` while the session is open, freed when it ends), so that
/// a second popup of the link is refused (409 `inUse`) at every instance. Redis unreachable: the
/// instance's own lease alone decides, with the log line `link_lease_unshared` and a count. On the
/// hub's loop.
extension AgentHub {
    enum LinkLeaseOutcome: Equatable, Sendable {
        /// Held in Redis by this session (`PopupLinkLease.holdShared`: given back with it).
        case taken
        case heldElsewhere
        /// Redis could not be asked: held here only.
        case unshared
    }

    /// Takes `lease`'s link in Redis for a session of this instance. Taken, the lease holds it
    /// at once, so that it is given back even if the connection is gone before the answer.
    func acquireLinkLease(_ lease: PopupLinkLease, channel: String, completion: @escaping (LinkLeaseOutcome) -> Void) {
        guard let shared else { return completion(.unshared) }
        let link = lease.link
        shared.leaseSerial += 1
        let holder = "\(InstanceName.current)/\(shared.leaseSerial)"
        shared.engine.acquireLease(Self.linkLeaseKey(link), holder: holder, ttlMilliseconds: shared.linkLeaseMilliseconds) { [self] result in
            switch result {
            case .success(true):
                shared.linkLeases[link] = holder
                lease.holdShared(holder)
                completion(.taken)
            case .success(false):
                completion(.heldElsewhere)
            case .failure(let error):
                linkLeaseUnshared(channel: channel, error)
                completion(.unshared)
            }
        }
    }

    /// Whether a session on another instance holds `link` (`GET /makecall/session`); false when
    /// Redis cannot be asked.
    func linkLeaseHeldElsewhere(_ link: String, completion: @escaping (Bool) -> Void) {
        guard let shared else { return completion(false) }
        shared.engine.leaseHeld(Self.linkLeaseKey(link)) { [self] result in
            switch result {
            case .success(let held):
                completion(held)
            case .failure(let error):
                linkLeaseUnshared(channel: "makecall", error)
                completion(false)
            }
        }
    }

    /// The session that held `link` ended.
    func releaseLinkLease(_ link: String, holder: String) {
        guard let shared, shared.linkLeases[link] == holder else { return }
        shared.linkLeases[link] = nil
        shared.engine.releaseLease(Self.linkLeaseKey(link), holder: holder)
    }

    /// At the hub's tick: every third of the lease's life, each lease held here is renewed; one
    /// lost meanwhile (Redis lost it) is taken again unless another session took it.
    func renewLinkLeases(now: UInt64) {
        guard let shared, now >= shared.nextLeaseRenewal else { return }
        shared.nextLeaseRenewal = now + UInt64(shared.linkLeaseMilliseconds / 3)
        let ttl = shared.linkLeaseMilliseconds
        for (link, holder) in shared.linkLeases {
            let key = Self.linkLeaseKey(link)
            shared.engine.renewLease(key, holder: holder, ttlMilliseconds: ttl) { [self] result in
                switch result {
                case .success(true):
                    break
                case .success(false):
                    shared.engine.acquireLease(key, holder: holder, ttlMilliseconds: ttl) { [self] again in
                        guard case .success(false) = again, shared.linkLeases[link] == holder else { return }
                        loop.metrics.routeEvent("sip", "link_lease_lost")
                        Log.info("link_lease_lost", ["holder": holder])
                    }
                case .failure(let error):
                    linkLeaseUnshared(channel: "sip", error)
                }
            }
        }
    }

    private func linkLeaseUnshared(channel: String, _ error: StateEngineError) {
        loop.metrics.routeEvent(channel, "link_lease_unshared")
        Log.info("link_lease_unshared", ["channel": channel, "reason": "\(error)"])
    }

    static func linkLeaseKey(_ link: String) -> String { "vodia-link:\(link)" }
}
