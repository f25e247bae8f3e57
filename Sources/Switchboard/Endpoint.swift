import AgentProtocol

/// One side of a call as the Call object's `caller_*`/`connected_*` fields describe it: an
/// agent on their paired phone (internal, a `line`) or an external number (a `trunk`).
struct Endpoint: Hashable {
    /// The agent's username; nil for an external party or an internal extension nobody has.
    var username: String?
    var number: String
    var name: String?
    var userID: Int?
    var groupID: Int?
    var lineID: Int?
    var isInternal: Bool
    var channel: String

    var type: ChannelType { isInternal ? .line : .trunk }
    var extensionNumber: String? { isInternal ? number : nil }

    static func external(_ number: String) -> Endpoint {
        Endpoint(username: nil, number: number, name: nil, userID: nil, groupID: nil, lineID: nil, isInternal: false, channel: "SIP/trunk")
    }

    /// An internal extension without a signed-in agent behind it (busy or unavailable targets).
    static func extensionOnly(_ number: Int, user: DirectoryUser?) -> Endpoint {
        Endpoint(username: nil, number: String(number), name: user?.displayname, userID: user?.id, groupID: user?.groupID,
                 lineID: nil, isInternal: true, channel: "SIP/\(number)")
    }
}
