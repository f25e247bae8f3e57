/// The pump every socket owner runs around a `TLSEngine` (docs/style.md §3): the server
/// connections (`Connection+TLS.swift`) and the outbound HTTP client (`ActionURLClient.swift`)
/// both feed it what they read and seal what they write through these two calls, so the order of
/// handshake, decryption and close is written once.
extension TLSEngine {
    /// What `pump` ended with.
    public enum PumpResult: Sendable, Hashable {
        /// Everything fed in was used; the engine waits for more ciphertext (the handshake
        /// included). Handshake bytes to send, if any, wait in the engine (`takeCiphertext`).
        case wantRead
        /// `handshakeCompleted` or `deliver` said stop.
        case stopped
        /// The handshake failed; the alert OpenSSL queued waits in the engine.
        case handshakeFailed(TLSError)
        /// RFC 8446 §6.1: close_notify; no more data will come.
        case closed
        /// Decryption failed after the handshake.
        case failed(TLSError)
    }

    /// Feeds `ciphertext` to the engine, advances the handshake (calling `handshakeCompleted`
    /// once, when it completes), then decrypts into `buffer` and hands each run of plaintext to
    /// `deliver`, until the engine wants more ciphertext or a callback returns false.
    ///
    /// `ciphertext` is copied into the engine first, so it may lie in `buffer` (a loop's receive
    /// buffer read into and then reused for the plaintext).
    @inlinable
    public func pump(ciphertext: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer,
                     handshakeCompleted: () -> Bool, deliver: (UnsafeMutableRawBufferPointer) -> Bool) -> PumpResult {
        receive(ciphertext: ciphertext)
        if !isHandshakeComplete {
            switch handshake() {
            case .complete:
                guard handshakeCompleted() else { return .stopped }
            case .wantRead:
                return .wantRead
            case .failed(let error):
                return .handshakeFailed(error)
            }
        }
        while true {
            switch readPlaintext(into: buffer) {
            case .bytes(let count):
                guard deliver(UnsafeMutableRawBufferPointer(rebasing: buffer[..<count])) else { return .stopped }
            case .wantRead:
                return .wantRead
            case .closed:
                return .closed
            case .failed(let error):
                return .failed(error)
            }
        }
    }

    /// Seals all of `plaintext`, `maximumWriteSize` bytes per call; the records wait in the
    /// engine (`takeCiphertext`). Nil, or the error that stopped it part way.
    @inlinable
    public func writeAll(_ plaintext: UnsafeRawBufferPointer) -> TLSError? {
        var offset = 0
        while offset < plaintext.count {
            switch writePlaintext(UnsafeRawBufferPointer(rebasing: plaintext[offset...])) {
            case .written(let count):
                offset += count
            case .failed(let error):
                return error
            }
        }
        return nil
    }
}
