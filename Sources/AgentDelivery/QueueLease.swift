/// One instance's side of a queue shared by every instance and sent from by one of them at a time
/// (docs/click-to-call.md §5.1, docs/cluster.md §6.1): the Action URL queue of one target in Redis,
/// owned through a lease (`SET lease owner NX PX lease`), renewed while owned, given back when the
/// queue is empty, and taken by another instance once it lapses (its owner died). A pure state
/// machine (docs/style.md §2): time (`now`, milliseconds of a monotonic clock) is passed in, and
/// each input returns what the gateway must do, in order; the gateway answers each `take`,
/// `renew`, `send` and `finish` with the matching input.
///
///     tick(now:)              // every loop tick: renew, retry, notice a lapsed lease, scan
///     pushed(now:)            // this instance put a request into the queue
///     took(_:now:)            // the answer to `.take`
///     renewed(_:now:)         // the answer to `.renew`
///     sent(_:now:)            // the request of `.send` was delivered or given up: final
///     finished(_:now:)        // the answer to `.finish`
///
/// Rules:
/// - The owner sends the queue's first request, one at a time, and asks Redis to remove it only
///   once its outcome is final; so an owner that dies between sending and removing leaves it
///   first in the queue, and the next owner sends it again: **at least once**.
/// - The lease is believed held until `leaseMilliseconds` after the take or renewal that was
///   last confirmed, counted from when it was *sent* (so never later than Redis lets it lapse,
///   clocks running at the same rate); past that, or when Redis says another instance holds it,
///   it is lost: the attempt in flight is abandoned and nothing more is sent.
/// - Renewals go every `renewMilliseconds`; one that fails (Redis unreachable) is tried again a
///   quarter of that later, as is a removal that failed.
/// - An instance that does not own the queue tries to take it every `scanMilliseconds` (the take
///   does nothing when the queue is empty or its lease is held), and at once after it pushed a
///   request: a queue whose owner died is taken within `leaseMilliseconds + scanMilliseconds`.
public struct QueueLease: Sendable {
    public struct Settings: Hashable, Sendable {
        public var leaseMilliseconds: UInt64
        public var renewMilliseconds: UInt64
        public var scanMilliseconds: UInt64

        /// Defaults: a 5 s lease renewed every second, a scan every second.
        public init(leaseMilliseconds: UInt64 = 5_000, renewMilliseconds: UInt64 = 1_000, scanMilliseconds: UInt64 = 1_000) {
            precondition(renewMilliseconds > 0 && renewMilliseconds * 2 <= leaseMilliseconds, "renew at least twice per lease")
            precondition(scanMilliseconds > 0)
            self.leaseMilliseconds = leaseMilliseconds
            self.renewMilliseconds = renewMilliseconds
            self.scanMilliseconds = scanMilliseconds
        }
    }

    /// A request as the queue holds it (the gateway's bytes; compared, never read).
    public typealias Element = String

    public enum Action: Hashable, Sendable {
        /// Take the lease if nobody holds it and the queue is not empty; answer `took`.
        case take
        /// Extend the lease if this instance still holds it; answer `renewed`.
        case renew
        /// Send this request (retried as any Action URL); answer `sent` once delivered or given up.
        case send(Element)
        /// Remove this request, first in the queue, if the lease is still held, and say what is first
        /// now (the lease is given back when nothing is); answer `finished`.
        case finish(Element)
        /// The lease was taken (`previousOwner`: the queue's last owner, whose lease lapsed with
        /// requests waiting: a take-over).
        case taken(previousOwner: String?)
        /// The queue is empty and the lease given back.
        case released
        /// The lease is gone: abandon the attempt in flight and send nothing more from the queue.
        case lost(Loss)
    }

    public enum Loss: String, Hashable, Sendable {
        /// Not confirmed within the lease time (Redis unreachable, or this instance too slow).
        case lapsed
        /// Redis says another instance holds it.
        case heldElsewhere = "held_elsewhere"
    }

    /// The answer to `.take`.
    public enum Take: Hashable, Sendable {
        case taken(first: Element, previousOwner: String?)
        /// Nothing waits: no lease was taken.
        case empty
        case heldElsewhere
        case failed
    }

    /// The answer to `.finish`.
    public enum Finish: Hashable, Sendable {
        /// The request was removed (or was not first any more) and the lease renewed; this is first now.
        case next(Element)
        /// The queue is empty: the lease was given back.
        case released
        /// The lease is not this instance's: nothing was removed.
        case notOwner
        case failed
    }

    private enum Phase: Hashable, Sendable {
        case idle
        case taking(sentAt: UInt64)
        /// Owning, sending `element`.
        case sending(Element)
        /// Owning, removing `element`; `sentAt` nil while waiting to try again.
        case finishing(Element, sentAt: UInt64?)
    }

    public let settings: Settings
    private var phase = Phase.idle
    /// While owning: until when the lease is surely held, when the next renewal is due, and the
    /// renewal in flight.
    private var validUntil: UInt64 = 0
    private var renewAt: UInt64 = 0
    private var renewSentAt: UInt64?
    private var retryFinishAt: UInt64 = 0
    private var scanAt: UInt64 = 0

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Whether this instance holds the lease (as far as it knows).
    public var isOwner: Bool {
        switch phase {
        case .idle, .taking: false
        case .sending, .finishing: true
        }
    }

    public mutating func tick(now: UInt64) -> [Action] {
        switch phase {
        case .idle:
            guard now >= scanAt else { return [] }
            return take(now: now)
        case .taking:
            return []
        case .sending, .finishing:
            if now >= validUntil { return lose(.lapsed) }
            var actions: [Action] = []
            if renewSentAt == nil && now >= renewAt {
                renewSentAt = now
                actions.append(.renew)
            }
            if case .finishing(let element, nil) = phase, now >= retryFinishAt {
                phase = .finishing(element, sentAt: now)
                actions.append(.finish(element))
            }
            return actions
        }
    }

    public mutating func pushed(now: UInt64) -> [Action] {
        guard case .idle = phase else { return [] }
        return take(now: now)
    }

    public mutating func took(_ answer: Take, now: UInt64) -> [Action] {
        guard case .taking(let sentAt) = phase else { return [] }
        switch answer {
        case .taken(let first, let previousOwner):
            held(since: sentAt)
            phase = .sending(first)
            return [.taken(previousOwner: previousOwner), .send(first)]
        case .empty, .heldElsewhere, .failed:
            phase = .idle
            return []
        }
    }

    public mutating func renewed(_ held: Bool?, now: UInt64) -> [Action] {
        guard let sentAt = renewSentAt else { return [] }
        renewSentAt = nil
        guard isOwner else { return [] }
        switch held {
        case true?:
            validUntil = max(validUntil, sentAt + settings.leaseMilliseconds)
            renewAt = sentAt + settings.renewMilliseconds
            return []
        case false?:
            return lose(.heldElsewhere)
        case nil:
            renewAt = now + retryDelay
            return []
        }
    }

    /// The request of `.send` is delivered or given up.
    public mutating func sent(_ element: Element, now: UInt64) -> [Action] {
        guard case .sending(element) = phase else { return [] }
        phase = .finishing(element, sentAt: now)
        return [.finish(element)]
    }

    public mutating func finished(_ answer: Finish, now: UInt64) -> [Action] {
        guard case .finishing(let element, let sentAt?) = phase else { return [] }
        switch answer {
        case .next(let first):
            held(since: sentAt)
            phase = .sending(first)
            return [.send(first)]
        case .released:
            phase = .idle
            renewSentAt = nil
            return [.released]
        case .notOwner:
            return lose(.heldElsewhere)
        case .failed:
            phase = .finishing(element, sentAt: nil)
            retryFinishAt = now + retryDelay
            return []
        }
    }

    private var retryDelay: UInt64 { max(1, settings.renewMilliseconds / 4) }

    private mutating func take(now: UInt64) -> [Action] {
        phase = .taking(sentAt: now)
        scanAt = now + settings.scanMilliseconds
        return [.take]
    }

    /// Redis confirmed the lease as of `sentAt` (a take, or a removal, which renews it).
    private mutating func held(since sentAt: UInt64) {
        validUntil = sentAt + settings.leaseMilliseconds
        if renewSentAt == nil { renewAt = sentAt + settings.renewMilliseconds }
    }

    private mutating func lose(_ loss: Loss) -> [Action] {
        phase = .idle
        renewSentAt = nil
        return [.lost(loss)]
    }
}
