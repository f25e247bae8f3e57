/// An agent's own party as a phone names it, for the Action URLs out (docs/click-to-call.md §5:
/// `<$local>` and `<$local_alias>`): the paired phone's extension, else the primary extension,
/// else the login; and the display name.
public struct CallParty: Hashable, Sendable {
    public var party: String
    public var alias: String

    public init(party: String, alias: String) {
        self.party = party
        self.alias = alias
    }
}
