/// What `TLSEngine.writePlaintext(_:)` did.
public enum TLSWriteResult: Sendable, Hashable {
    /// This many plaintext bytes (from the front) were encrypted; the ciphertext waits in
    /// `takeCiphertext`. Fewer than offered means: call again with the rest.
    case written(Int)
    /// Nothing was written: the handshake is not complete, the engine was shut down, or the
    /// connection failed earlier.
    case failed(TLSError)
}
