/// What `TLSEngine.readPlaintext(into:)` did.
public enum TLSReadResult: Sendable, Hashable {
    /// This many plaintext bytes were written to the front of the buffer.
    case bytes(Int)
    /// No complete record is buffered: `receive(ciphertext:)` more. Post-handshake messages
    /// (TLS 1.3 tickets, key updates) may have been processed, and a key update may have queued
    /// ciphertext to send.
    case wantRead
    /// The peer sent `close_notify` (RFC 8446 §6.1, RFC 5246 §7.2.1): no more data will come.
    /// Call `shutdown()` and send the ciphertext to answer it.
    case closed
    /// The connection failed (bad record MAC, malformed record, alert from the peer).
    case failed(TLSError)
}
