/// "The same request repeated within a few seconds places one call" (issue 7): a double click,
/// two tabs, a browser extension that retries. The key is the *resolved* agent (after the
/// gateway turned `.requester`, `.workplace`, `.line` into a user) and the number as dialled,
/// so the same click through two dialects or two selectors is still one call; direction and
/// sequence are not part of it.
///
/// The gateway keeps an `IdempotencyCache<ClickToCallReply>` with
/// `windowMilliseconds: DialDedupKey.defaultWindowMilliseconds` and, per request:
///
///     let key = DialDedupKey(user: resolvedUser, dial: request.dial)
///     if let reply = cache.value(user: key.user, key: key.key, now: ms) { answer(reply) }
///     else { place the call; cache.remember(reply, user: key.user, key: key.key, now: ms) }
///
/// A refused request should not be remembered (a corrected retry must go through).
/// Per instance: behind a load balancer without Redis, a repeat that lands on another
/// instance places a second call.
public struct DialDedupKey: Hashable, Sendable {
    /// A few seconds: longer than a double click or a retry, shorter than a deliberate redial.
    public static let defaultWindowMilliseconds: UInt64 = 5_000

    /// The resolved agent's user name: `IdempotencyCache`'s `user`.
    public let user: String
    /// `"c2c:" + number`: `IdempotencyCache`'s `key`. Keep click-to-call in its own cache, not
    /// the one for `dial`'s `idempotencyKey`s (a browser chooses those and could pick this form).
    public let key: String

    public init(user: String, dial: Dial) {
        self.user = user
        self.key = "c2c:" + dial.number
    }
}
