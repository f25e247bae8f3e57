import Testing
@testable import AgentProtocol
@testable import WSFraming
import TestSupport

/// What permessage-deflate makes of the agent protocol's real events (docs/agent-protocol.md),
/// with the defaults a browser gets (docs/config.md, `permessageDeflate`) against a stream per
/// connection with a 15-bit window (the codec before the shared streams): issue 16 allows 1.2×.
@Suite struct AgentEventCompressionTests {
    /// A tab's events through one call, as `AgentEvent.encoded` writes them.
    static func callCycle() -> [(name: String, bytes: [UInt8])] {
        let user = AgentObjectSamples.fullUser()
        var ringing = AgentObjectSamples.fullCall()
        ringing.state = .ringing
        ringing.connected = nil
        let connected = AgentObjectSamples.fullCall()
        var hungUp = AgentObjectSamples.fullCall()
        hungUp.state = .hangup
        let events: [(AgentEvent, UInt64?)] = [
            (.user(user), nil),
            (.stateChange(status: .ready, reason: nil), 1),
            (.ready(AgentSnapshot(status: .ready, user: user, now: 1_700_000_000, lastSeq: 1)), nil),
            (.callNew(ringing), 2),
            (.callRinging(ringing), 3),
            (.callConnect(connected), 4),
            (.callHangup(hungUp), 5),
            (.stateChange(status: .acw, reason: nil), 6),
        ]
        return events.map { ($0.0.name, $0.0.encoded(seq: $0.1)) }
    }

    /// Wire bytes per event (the events below `minimumSizeToCompress` go as they are).
    static func compressedSizes(_ events: [(name: String, bytes: [UInt8])], _ codec: PerMessageDeflate,
                                between: () throws -> Void = {}) throws -> [Int] {
        try events.map { event in
            try between()
            guard codec.shouldCompress(messageSize: event.bytes.count) else { return event.bytes.count }
            var output: [UInt8] = []
            try event.bytes.withUnsafeBytes { try codec.compress($0, into: &output) }
            return output.count
        }
    }

    @Test func defaultsCompressTheEventsAsWellAsAStreamPerConnection() throws {
        let events = Self.callCycle()
        let classic = PerMessageDeflate(
            parameters: .init(), role: .server,
            options: PerMessageDeflateOptions(serverMaxWindowBits: 15, clientNoContextTakeover: false))
        let before = try Self.compressedSizes(events, classic)

        // The defaults, on a pool where another tab's event goes through the shared compressor
        // before each of ours (a fan-out), so our context always comes from the kept history.
        let accepted = try #require(PerMessageDeflateNegotiation.accept(
            offers: ["permessage-deflate; client_max_window_bits"], options: .init()))
        let pool = DeflateStreamPool()
        let codec = PerMessageDeflate(parameters: accepted.parameters, role: .server, options: .init(), pool: pool)
        let otherTab = PerMessageDeflate(parameters: accepted.parameters, role: .server, options: .init(), pool: pool)
        let filler = AgentEvent.waitingCallersChange(waitingCallers: 3).encoded(seq: 9) + Array(repeating: 0x20, count: 80)
        let after = try Self.compressedSizes(events, codec) {
            var scratch: [UInt8] = []
            try filler.withUnsafeBytes { try otherTab.compress($0, into: &scratch) }
        }

        for (index, event) in events.enumerated() {
            print("\(event.name): \(event.bytes.count) B, compressed \(before[index]) → \(after[index]) B")
        }
        func ratio(_ name: String) -> Double {
            let picked = events.indices.filter { events[$0].name == name }
            return Double(picked.map { after[$0] }.reduce(0, +)) / Double(picked.map { before[$0] }.reduce(0, +))
        }
        #expect(ratio("callRinging") <= 1.2, "callRinging \(ratio("callRinging"))×")
        #expect(ratio("ready") <= 1.2, "ready \(ratio("ready"))×")
        let total = Double(after.reduce(0, +)) / Double(before.reduce(0, +))
        #expect(total <= 1.2, "all events \(total)×")
        // Context takeover is what makes callRinging small: it follows callNew's copy of the call.
        let ringing = events.firstIndex { $0.name == "callRinging" }!
        #expect(after[ringing] * 4 < events[ringing].bytes.count / 2)
    }
}
