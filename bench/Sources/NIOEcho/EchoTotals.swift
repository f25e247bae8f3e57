import NIOConcurrencyHelpers

/// What the server echoed over its lifetime, summed when each connection's handler goes away.
///
/// Handlers count in plain stored properties and add them here once, so counting costs nothing per
/// message. The figure is printed at shutdown and lets `check_loadgen.py` compare a client's count
/// with what the server really echoed.
final class EchoTotals: Sendable {
    struct Counts: Sendable {
        var connections = 0
        var messages = 0
        var payloadBytes = 0
    }

    private let counts = NIOLockedValueBox(Counts())

    func add(messages: Int, payloadBytes: Int) {
        self.counts.withLockedValue {
            $0.connections += 1
            $0.messages += messages
            $0.payloadBytes += payloadBytes
        }
    }

    var snapshot: Counts { self.counts.withLockedValue { $0 } }
}
