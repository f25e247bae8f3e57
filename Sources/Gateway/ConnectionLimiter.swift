import Synchronization

/// The process-wide connection caps: `maxConnections` in all, `maxConnectionsPerAddress` from
/// one client address, and beyond both a small reserve for health probes (`probeAddresses`,
/// `probeConnections`), so that a liveness probe does not fail during a connection flood.
/// Shared by every loop; taken once per accept and released once per close.
///
/// A trusted proxy's connections are let past the per-address cap at accept (they carry many
/// clients) and counted under the client's address once it is known (`move`), from the PROXY
/// header or the request's `X-Forwarded-For`/`Forwarded` (docs/config.md, `proxy`).
final class ConnectionLimiter: Sendable {
    enum Verdict {
        case admitted
        /// Over a cap, but from a probe address and within the reserve: the connection may ask
        /// for `/healthz`, `/readyz` and `/metrics` only.
        case admittedForProbes
        case overCapacity
        case overPerAddress
    }

    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
        /// Connections admitted on the probe reserve.
        var probes = 0
    }

    private let maxConnections: Int
    private let maxPerAddress: Int
    private let probeAddresses: Set<String>
    private let probeConnections: Int
    private let state = Mutex(State())

    /// - Parameter maxPerAddress: 0 means no per-address cap.
    /// - Parameter probeConnections: the reserve for `probeAddresses` beyond both caps; 0 = none.
    init(maxConnections: Int, maxPerAddress: Int, probeAddresses: [String] = [], probeConnections: Int = 0) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
        self.probeAddresses = Set(probeAddresses)
        self.probeConnections = probeConnections
    }

    /// Takes a place for a connection from `host`; `checkPerAddress` false admits a trusted
    /// proxy whatever it already holds (it is still counted, and in the total).
    func admit(_ host: String, checkPerAddress: Bool = true) -> Verdict {
        state.withLock { state in
            let fromHost = state.perAddress[host, default: 0]
            let refusal: Verdict
            if state.total >= maxConnections {
                refusal = .overCapacity
            } else if checkPerAddress && maxPerAddress > 0 && fromHost >= maxPerAddress {
                refusal = .overPerAddress
            } else {
                state.total += 1
                state.perAddress[host] = fromHost + 1
                return .admitted
            }
            guard state.probes < probeConnections, probeAddresses.contains(host) else { return refusal }
            state.probes += 1
            return .admittedForProbes
        }
    }

    /// Gives back what `admit` took: a place on the probe reserve when `probe`.
    func release(_ host: String, probe: Bool) {
        state.withLock { state in
            if probe {
                state.probes -= 1
                return
            }
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

    /// Open accepted connections, the probe reserve's included.
    var total: Int { state.withLock { $0.total + $0.probes } }
}
