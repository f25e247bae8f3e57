import Containers
import AgentProtocol

/// Who called a customer last (docs/compatibility.md §5): per external number, the last `historyLength` agents
/// who called it ("Länge der History"), most recent first, each agent once (calling again moves
/// them to the front with the new time). When the number calls back, the ringing event and the
/// widget show them.
///
/// Bounded: at most `capacity` numbers are kept; past it the number **least recently recorded**
/// is forgotten (LRU by `record`; `lookup` is a plain read and does not refresh, so it can run on
/// a shared copy). `record` is amortised O(1) plus O(`historyLength`); `lookup` O(1) plus the copy.
///
/// The gateway records an agent's outgoing call to an external number (`Call.called_number_norm`
/// of an OUTGOING call, when it rings or connects: a configurable choice) and looks up the
/// caller's number (`caller_number_norm`) of an INCOMING call. Numbers are E.164 (`+` and 7–15
/// digits); `record` ignores anything else. A value type for one thread at a time; per instance
/// (the cluster's shared history is Redis, behind the same calls).
public struct LastCallers: Sendable {
    /// n: agents kept per number.
    public let historyLength: Int
    /// Numbers kept.
    public var capacity: Int { entries.capacity }
    /// Per number its callers, in the order the numbers were last recorded.
    private var entries: ArrivalOrderedMap<String, [LastCaller]>

    public init(historyLength: Int = 3, capacity: Int = 100_000) {
        precondition(historyLength >= 1 && capacity >= 1, "LastCallers keeps at least one agent for one number")
        self.historyLength = historyLength
        entries = ArrivalOrderedMap(capacity: capacity)
    }

    /// Numbers held.
    public var count: Int { entries.count }

    /// Records that `agent` called `number` at `at`. False (and nothing kept) when `number` is
    /// not E.164 or `agent` is empty.
    @discardableResult
    public mutating func record(agent: String, displayName: String?, number: String, at: Int64) -> Bool {
        guard !agent.isEmpty, Self.isE164(number) else { return false }
        var callers = entries[number] ?? []
        callers.removeAll { $0.agent == agent }
        callers.insert(LastCaller(agent: agent, displayName: displayName, at: at), at: 0)
        if callers.count > historyLength { callers.removeLast(callers.count - historyLength) }
        entries.store(callers, for: number)
        return true
    }

    /// The agents who last called `number`, most recent first (empty when none, or when the
    /// number is not E.164).
    public func lookup(number: String) -> [LastCaller] {
        entries[number] ?? []
    }

    /// `+` then 7–15 ASCII digits, the first not 0: `E164.normalize`'s output form.
    public static func isE164(_ number: String) -> Bool {
        let bytes = Array(number.utf8)
        return bytes.first == UInt8(ascii: "+") && (E164.minDigits...E164.maxDigits).contains(bytes.count - 1)
            && bytes.dropFirst().allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && bytes[1] != 0x30
    }
}
