/// Which gateway instances (`X-Callgate-Instance`) signed each user in at the Switchboard
/// service (docs/backend-protocol.md §12.8). Pure: the service performs what it returns.
///
/// - One instance's `signOut` signs a user out at the back end only when no other instance
///   has the user signed in.
/// - At `resync` an instance names the users it has signed in now (`signedIn`): a user it no
///   longer names was signed out while the service could not hear it, and one it names but is
///   not recorded for lost its sign-in here (the instance was gone past the grace) and must sign
///   in again.
/// - An instance with no connection for longer than the grace is gone: its sign-ins end.
public struct InstanceSignIns: Sendable {
    private var instancesByUser: [String: Set<String>] = [:]
    /// Open connections per instance; an instance reconnecting may briefly have two.
    private var connections: [String: Int] = [:]
    /// When each instance's last connection closed, in the caller's milliseconds.
    private var goneSince: [String: UInt64] = [:]

    public init() {}

    /// What a `resync`'s `signedIn` list changes.
    public struct Reconciled: Equatable, Sendable {
        /// Users no instance has signed in any more: sign them out at the back end.
        public var signOut: [String] = []
        /// Users the instance named that it has not signed in here: it must sign them in again.
        public var notSignedIn: [String] = []
    }

    /// The instances that signed `user` in.
    public func instances(of user: String) -> Set<String> { instancesByUser[user] ?? [] }

    public mutating func signedIn(_ user: String, by instance: String) {
        instancesByUser[user, default: []].insert(instance)
    }

    /// Records `instance`'s `signOut`; true if the user is to be signed out at the back end
    /// (no other instance has them signed in).
    public mutating func signedOut(_ user: String, by instance: String) -> Bool {
        instancesByUser[user]?.remove(instance)
        guard instancesByUser[user]?.isEmpty ?? true else { return false }
        instancesByUser[user] = nil
        return true
    }

    /// `instance` now has exactly `users` signed in (its `resync`, §12.5).
    public mutating func reconcile(_ instance: String, signedIn users: Set<String>) -> Reconciled {
        var result = Reconciled()
        for (user, instances) in instancesByUser where instances.contains(instance) && !users.contains(user) {
            if signedOut(user, by: instance) { result.signOut.append(user) }
        }
        result.notSignedIn = users.filter { instancesByUser[$0]?.contains(instance) != true }.sorted()
        result.signOut.sort()
        return result
    }

    public mutating func connected(_ instance: String) {
        connections[instance, default: 0] += 1
        goneSince[instance] = nil
    }

    public mutating func disconnected(_ instance: String, now: UInt64) {
        connections[instance, default: 1] -= 1
        guard connections[instance]! <= 0 else { return }
        connections[instance] = nil
        goneSince[instance] = now
    }

    /// Ends the sign-ins of every instance gone for longer than `graceMilliseconds`: the
    /// instances dropped, and the users no instance has signed in any more.
    public mutating func expire(now: UInt64, graceMilliseconds: UInt64) -> (instances: [String], signOut: [String]) {
        let expired = goneSince.filter { now >= $0.value + graceMilliseconds }.keys.sorted()
        var signOut: [String] = []
        for instance in expired {
            goneSince[instance] = nil
            for (user, instances) in instancesByUser where instances.contains(instance) {
                if signedOut(user, by: instance) { signOut.append(user) }
            }
        }
        return (expired, signOut.sorted())
    }
}
