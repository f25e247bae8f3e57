import ClickToCall

/// What the engine knows of one tab.
struct TabRecord: Sendable {
    let origin: TabOrigin
    /// The user the tab is signed in as; nil in CREDENTIALS.
    var user: String?
    /// The browser tab's id from its `login`/`sso`/`attach` (`SignInOptions.tab`), if it sent one.
    var browserTab: String?
    /// A `login` of this tab is having its password checked.
    var loginPending = false
    /// Set when the tab attached with a Vodia popup token: it may call one number only.
    var restriction: VodiaSession?
    /// Attached, with the replay still being read from the shared stream: live events wait.
    var catchingUp = false
    /// When it joined its user's tabs (Unix ms; a tab that took another's place keeps that one's):
    /// the order of the primary tab between instances (docs/cluster.md §6.7).
    var joined: Int64 = 0
    /// The last `primary` event it was sent, so that a change elsewhere tells only the tabs it changes.
    var announced: PrimaryState?

    struct PrimaryState: Equatable, Sendable {
        let primary: Bool
        let tabs: Int
    }

    init(origin: TabOrigin) {
        self.origin = origin
    }
}
