import ClickToCall
import CallControlMessages
import JSON

/// `dial` idempotency and click-to-call dedup between instances (docs/cluster.md §6.4), with a
/// shared engine: a keyed `dial` or a click not known here first claims its key in the shared
/// state (`SET key ? NX PX window GET`). The first claimer dials and settles the key with the
/// reply (released when the dial is refused, which is not remembered); a claimer that finds `?`
/// asks again at the next tick (250 ms) until the value comes, or the key is gone (released or
/// expired: then the claim is its own); one that finds a value answers with it and places no
/// call. The shared state unreachable: each instance deduplicates alone, as without one.
extension DeliveryEngine {
    /// The shared state's keys, the user in a hash tag (Redis keys are binary-safe: the key as sent).
    static func dialClaimKey(user: String, key: String) -> String { "dial:{u:\(user)}:\(key)" }
    static func clickClaimKey(_ key: DialDedupKey) -> String { "click:{u:\(key.user)}:\(key.key)" }

    mutating func claim(_ key: String, ttlMilliseconds: Int, then next: Pending) {
        actions.append(.claim(key: key, ttlMilliseconds: ttlMilliseconds, ticket: issue(next)))
    }

    mutating func claimed(_ ticket: Ticket, _ result: Result<[UInt8]?, SharedStateFailure>) {
        guard let next = pending.removeValue(forKey: ticket) else { return }
        let held: [UInt8]?
        switch result {
        case .success(let value): held = value
        case .failure(let failure):
            log("shared_claim_failed", ["reason": failure.reason])
            held = nil
        }
        if held == [UInt8(ascii: "?")] {
            let (key, ttl) = claimKey(of: next)
            claimsToRetry.append((key, ttl, next))
            return
        }
        switch next {
        case .dialClaim(let tab, let id, let user, let key, let command):
            guard let held else {
                ask(.execute(user: user, command: command), then: .command(tab, id, user: user, idempotencyKey: key))
                return
            }
            count("dial_deduplicated")
            let reply: CallControlReply = switch try? JSONValue(parsing: String(decoding: held, as: UTF8.self)) {
            case .object(let fields)? where !fields.isEmpty: .fields(fields)
            default: .ok
            }
            // As the back end's answer, without settling the key again: the tab and the repeats here.
            commandAnswered(.executed(reply), tab: tab, id: id, user: user, idempotencyKey: key, settle: false)
        case .clickClaim(let ask, let user, let request, let key):
            guard let held else {
                placeClick(ask, user: user, request: request, key: key)
                return
            }
            count("deduplicated", channel: "clicktocall")
            let uniqueid = String(decoding: held, as: UTF8.self)
            clickDials.remember(uniqueid, user: key.user, key: key.key, now: time.milliseconds)
            answerClicks(ask, key: key, .success(uniqueid))
        default:
            break
        }
    }

    /// The keyed dial's outcome for the instances that claimed after: its reply's fields, or the
    /// key released when it was refused.
    mutating func settleDial(_ answer: CallControlAnswer, key: String) {
        let ttl = settings.dialDedupSeconds * 1_000
        switch answer {
        case .executed(.fields(let fields)):
            actions.append(.settle(key: key, value: JSONValue.object(fields).encoded(), ttlMilliseconds: ttl))
        case .executed(.ok):
            actions.append(.settle(key: key, value: Array("{}".utf8), ttlMilliseconds: ttl))
        default:
            actions.append(.release(key: key))
        }
    }

    /// Claims found under way, asked again (each tick).
    mutating func retryClaims() {
        let due = claimsToRetry
        claimsToRetry = []
        for (key, ttl, next) in due { claim(key, ttlMilliseconds: ttl, then: next) }
    }

    private func claimKey(of next: Pending) -> (String, Int) {
        switch next {
        case .dialClaim(_, _, let user, let key, _): (Self.dialClaimKey(user: user, key: key), settings.dialDedupSeconds * 1_000)
        case .clickClaim(_, _, _, let key): (Self.clickClaimKey(key), Int(clickDedupMilliseconds))
        default: ("", 0)
        }
    }
}
