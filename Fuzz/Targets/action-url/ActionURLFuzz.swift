// fuzz-options: -max_len=2048
import FuzzSupport
import ActionURLs
import ClickToCall
import HTTP1

/// Device Action URLs (docs/compatibility.md §4.2, `GET /action?…`): `ActionURLEvent.parse`, the phone's time
/// stamps (`ActionURLTime`), and the agent-bar events an event becomes. Input: a byte choosing
/// the phone's UTC offset, the query (visible ASCII), then a line read as a time stamp.
///
/// Properties:
/// - an accepted event, written again as a canonical query (every value percent-encoded, times
///   formatted with `ActionURLTime.format`), parses to the same event;
/// - the agent-bar events and the Call it becomes are JSON Callgate's parser accepts;
/// - a time stamp that parses, formatted again, is the same text (hyphens for colons) and the
///   same instant.
@main enum ActionURLFuzz {
    static func main() { Fuzzer.run(test) }

    static let offsets = [0, 3_600, -18_000, 19_800, 50_400, -43_200, 7_200, 1]

    static func test(_ data: UnsafeRawBufferPointer) {
        var input = FuzzInput(data)
        let offset = offsets[Int(input.byte() % UInt8(offsets.count))]
        let query = input.requestTarget()
        let stamp = input.text()

        if let unix = ActionURLTime.parse(stamp, utcOffsetSeconds: offset) {
            let formatted = ActionURLTime.format(unix, utcOffsetSeconds: offset)
            requireEqual(formatted, String(stamp.map { $0 == ":" ? "-" : $0 }), "a time stamp formatted again")
            requireEqual(ActionURLTime.parse(formatted, utcOffsetSeconds: offset), unix, "the formatted time parsed")
        }

        guard case .success(let event) = ActionURLEvent.parse(query: query, utcOffsetSeconds: offset) else { return }
        let canonical = canonicalQuery(event, offset: offset)
        requireEqual(ActionURLEvent.parse(query: canonical, utcOffsetSeconds: offset), .success(event),
                     "\(query) written again as \(canonical)")
        let plan = NumberPlan.fuzzed(0)
        let now: Int64 = 1_700_000_000
        requireAcceptedJSON(event.call(agent: "alice", numbering: plan, now: now).encoded(), "the Call")
        for agentEvent in event.agentEvents(agent: "alice", numbering: plan, now: now) {
            requireAcceptedJSON(agentEvent.encoded(seq: 7), "the event \(agentEvent)")
        }
    }

    static func canonicalQuery(_ event: ActionURLEvent, offset: Int) -> String {
        var pairs: [(String, String?)] = [
            ("action", event.action.rawValue),
            ("call_direction", event.direction == .incoming ? "inbound" : "outbound"),
            ("local_party", event.localParty),
            ("local_alias", event.localAlias),
            ("hold_state", event.holdState?.rawValue),
            ("call_duration_seconds", event.durationSeconds.map(String.init)),
            ("call_guid", event.callGuid),
            ("remote_party", event.remoteParty.isEmpty ? nil : event.remoteParty),
            ("remote_alias", event.remoteAlias),
            ("key", event.apiKey),
        ]
        for (name, time) in [("call_created_time", event.created), ("call_connected_time", event.connected),
                             ("call_disconnected_time", event.disconnected)] {
            pairs.append((name, time.map { ActionURLTime.format($0, utcOffsetSeconds: offset) }))
        }
        return pairs.compactMap { name, value in value.map { name + "=" + QueryString.percentEncode($0) } }
            .joined(separator: "&")
    }
}
