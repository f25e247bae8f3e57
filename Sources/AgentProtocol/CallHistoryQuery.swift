/// The `callHistory` method's parameters (docs/agent-protocol.md §2.1, served on `/ws` and on
/// the `report` channel): which of the agent's ended calls to list, newest first.
public struct CallHistoryQuery: Hashable, Sendable {
    /// Largest `limit` accepted, and the default one.
    public static let maxLimit = 200
    public static let defaultLimit = 50

    /// Part of a number or a name; nil or blank: every call.
    public var filter: String?
    public var direction: CallDirection?
    /// How many calls to return, 1 to `maxLimit`; `total` counts every match regardless.
    public var limit: Int

    public init(filter: String? = nil, direction: CallDirection? = nil, limit: Int = defaultLimit) {
        self.filter = filter
        self.direction = direction
        self.limit = limit
    }

    /// Whether `call` is one the query asks for. The filter matches, ignoring case, any part of
    /// the call's numbers and names; a filter of digits and number separators (`602 123`) also
    /// matches the digits of the numbers, so `602 123` finds `+420602123456`.
    public func matches(_ call: Call) -> Bool {
        if let direction, call.direction != direction { return false }
        guard let filter, !filter.allSatisfy(\.isWhitespace) else { return true }
        let needle = filter.lowercased().trimmingWhitespace
        let numbers = [call.number, call.caller_number, call.called_number, call.connected_number,
                       call.caller_number_norm, call.called_number_norm, call.connected_number_norm].compactMap { $0 }
        let names = [call.name, call.caller_name, call.called_name, call.connected_name].compactMap { $0 }
        if (numbers + names).contains(where: { $0.lowercased().contains(needle) }) { return true }
        let digits = Self.digits(of: needle)
        guard !digits.isEmpty, needle.allSatisfy({ $0.isASCII && ($0.isNumber || "+ -./()".contains($0)) }) else { return false }
        return numbers.contains { Self.digits(of: $0).contains(digits) }
    }

    private static func digits(of text: String) -> String {
        String(text.filter { $0.isASCII && $0.isNumber })
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
