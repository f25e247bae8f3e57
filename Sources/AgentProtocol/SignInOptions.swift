/// How a `login` or `sso` treats the user's other sessions (docs/agent-protocol.md §2.1): the
/// docs/compatibility.md §1.2 config fields the bar passes along.
public struct SignInOptions: Hashable, Sendable {
    /// docs/compatibility.md §1.2 `autologout`: log the user's tabs in other browsers out (absent: true).
    public var autologout: Bool
    /// docs/compatibility.md §1.2 integrated auto logout (`sso` with a provider, unless
    /// `disableIntegratedAutoLogout`): sign the user out soon after their last tab has gone,
    /// not after the usual detached time; a tab that attaches again in between (a reload)
    /// keeps the user signed in (absent: false).
    public var logoutOnClose: Bool
    /// The browser tab's id, the same across the tab's reconnects (the bar keeps it in
    /// `sessionStorage`): a connection that signs in or attaches with the id of one of the
    /// user's tabs takes that tab's place (primary, ringing) and the old connection is closed
    /// (docs/agent-protocol.md §4). 1–`maxTabBytes` bytes; absent: a tab of its own.
    public var tab: String?

    /// The longest tab id.
    public static let maxTabBytes = 64

    public init(autologout: Bool = true, logoutOnClose: Bool = false, tab: String? = nil) {
        self.autologout = autologout
        self.logoutOnClose = logoutOnClose
        self.tab = tab
    }
}
