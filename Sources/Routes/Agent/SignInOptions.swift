/// How a `login` or `sso` treats the user's other sessions (docs/agent-protocol.md §2.1): the
/// seeds/004 config fields the bar passes along.
public struct SignInOptions: Hashable, Sendable {
    /// seeds/004 `autologout`: log the user's tabs in other browsers out (absent: true).
    public var autologout: Bool
    /// seeds/004 integrated auto logout (`sso` with a provider, unless
    /// `disableIntegratedAutoLogout`): sign the user out soon after their last tab has gone,
    /// not after the usual detached time; a tab that attaches again in between (a reload)
    /// keeps the user signed in (absent: false).
    public var logoutOnClose: Bool

    public init(autologout: Bool = true, logoutOnClose: Bool = false) {
        self.autologout = autologout
        self.logoutOnClose = logoutOnClose
    }
}
