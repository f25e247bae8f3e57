import Synchronization

/// The process-wide connection caps: `maxConnections` in all, `maxConnectionsPerAddress` from
/// one client address. Shared by every loop; taken once per accept and released once per close.
///
/// A trusted proxy's connections are let past the per-address cap at accept (they carry many
/// clients) and counted under the client's address once it is known (`move`), from the PROXY
/// header or the request's `X-Forwarded-For`/`Forwarded` (docs/config.md, `proxy`).
final class ConnectionLimiter: Sendable {
    enum Verdict { case admitted, overCapacity, overPerAddress }

    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
    }

    private let maxConnections: Int
    private let maxPerAddress: Int
    private let state = Mutex(State())

    /// - Parameter maxPerAddress: 0 means no per-address cap.
    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    /// Takes a place for a connection from `host`; `checkPerAddress` false admits a trusted
    /// proxy whatever it already holds (it is still counted, and in the total).
    func admit(_ host: String, checkPerAddress: Bool = true) -> Verdict {
        state.withLock { state in
            if state.total >= maxConnections { return .overCapacity }
            let fromHost = state.perAddress[host, default: 0]
            if checkPerAddress && maxPerAddress > 0 && fromHost >= maxPerAddress { return .overPerAddress }
            state.total += 1
            state.perAddress[host] = fromHost + 1
            return .admitted
        }
    }

    func release(_ host: String) {
        state.withLock { state in
            state.total -= 1
            Self.remove(host, from: &state)
        }
    }

    /// Moves one connection's place from `old` to `new` (the client behind a proxy); false, and
    /// nothing moved, when `new` already holds its cap and `checkPerAddress` is set.
    func move(from old: String, to new: String, checkPerAddress: Bool) -> Bool {
        guard old != new else { return true }
        return state.withLock { state in
            let fromHost = state.perAddress[new, default: 0]
            if checkPerAddress && maxPerAddress > 0 && fromHost >= maxPerAddress { return false }
            Self.remove(old, from: &state)
            state.perAddress[new] = fromHost + 1
            return true
        }
    }

    private static func remove(_ host: String, from state: inout State) {
        let left = state.perAddress[host, default: 1] - 1
        state.perAddress[host] = left > 0 ? left : nil
    }

    /// Connections counted under `host` (tests).
    func count(_ host: String) -> Int { state.withLock { $0.perAddress[host, default: 0] } }

    var total: Int { state.withLock { $0.total } }
}
