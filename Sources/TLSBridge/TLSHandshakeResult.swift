/// What `TLSEngine.handshake()` did. Ciphertext it produced, whatever the case, waits in
/// `takeCiphertext`: send it, even after `.failed` (it may carry the alert that says why).
///
/// There is no want-write case: the engine writes into memory, which never refuses.
public enum TLSHandshakeResult: Sendable, Hashable {
    /// Both sides' Finished messages are through (from this side's point of view).
    case complete
    /// More ciphertext from the peer is needed: `receive(ciphertext:)`, then call again.
    case wantRead
    /// The handshake is over and failed; the connection cannot be used.
    case failed(TLSError)
}
