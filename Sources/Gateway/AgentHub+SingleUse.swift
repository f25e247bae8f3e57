import ClickToCall

/// Single-use credentials between instances (docs/cluster.md §6.4): an SSO token (the agent bar's
/// `sso` method, a route's upgrade) or a Vodia link, once this instance's own replay guard
/// accepted it, is claimed in Redis too (`SET key 1 NX PX ttl`), so that it is accepted once
/// across every instance. Without a shared engine there is nothing to claim; with Redis
/// unreachable this instance's guard alone decides (a log line and `single_use_unshared`).
extension AgentHub {
    /// The claim key of an SSO token: the same for the `sso` method and a route's upgrade, as the
    /// local guard is one for both.
    static func ssoClaimKey(username: String, token: String, provider: String) -> String { "sso:\(provider):\(username):\(token)" }

    /// The claim key of a Vodia link (its MD5 digest, docs/click-to-call.md §3).
    static func vodiaClaimKey(_ link: VerifiedVodiaLink) -> String {
        "vodia:" + link.digest.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// How long an SSO token can be presented: its validity and the clock skew on either side.
    var ssoClaimMilliseconds: Int {
        Int(authenticator.sso.validitySeconds + 2 * authenticator.sso.clockSkewSeconds) * 1_000
    }

    /// True unless another instance claimed `key` first; on the hub's loop. `channel` labels the count.
    func claimSingleUse(_ key: String, ttlMilliseconds: Int, channel: String, completion: @escaping (Bool) -> Void) {
        guard let shared else { return completion(true) }
        shared.engine.claim(key, ttlMilliseconds: max(1, ttlMilliseconds)) { [self] result in
            switch result {
            case .success(let first):
                completion(first)
            case .failure(let error):
                loop.metrics.routeEvent(channel, "single_use_unshared")
                Log.info("single_use_unshared", ["channel": channel, "reason": "\(error)"])
                completion(true)
            }
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
