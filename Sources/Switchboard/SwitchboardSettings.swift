/// The switchboard's timing and numbering settings. A directory's optional `"settings"` object
/// overrides these defaults key by key (docs/directory.md).
public struct SwitchboardSettings: Sendable, Hashable {
    /// The country calling code for the Call `*_norm` fields (`E164.normalize`).
    public var defaultCountry: String = "420"
    /// A call offered to an agent rings this long (seconds), then is offered to the next agent
    /// (a queue call) or ends with cause unavailable (a direct call).
    public var ringSeconds: Int = 20
    /// After-call work: after a connected call of an agent whose status was READY, the status is
    /// ACW for this long (seconds), then READY again. 0: straight back to READY.
    public var acwSeconds: Int = 0
    /// A simulated external party answers an agent's outgoing call after this many seconds of
    /// ringing; nil: only through `Switchboard.remoteAnswer`.
    public var externalAnswerSeconds: Int? = nil
    /// The AUX reason given to an agent that `Switchboard.unreachable` marks unreachable.
    public var unreachableReason: String = "unreachable"
    /// Ended calls kept per agent for `callHistory` (and `setAccountCode` after the call).
    public var historyCalls: Int = 100
    /// The SIP domain of users without an explicit `sip` identity: theirs is
    /// `sip:<username>@<sipDomain>` (`Directory.sipIdentity(of:)`). Nil: only explicit ones.
    public var sipDomain: String? = nil

    public init() {}
}
