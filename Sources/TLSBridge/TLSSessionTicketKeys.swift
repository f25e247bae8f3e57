internal import COpenSSL
import Synchronization

/// The keys that encrypt and authenticate session tickets (RFC 5077 §4 layout: a 16-byte key
/// name, AES-256-CBC, HMAC-SHA-256), with rotation.
///
/// The current key encrypts new tickets; the previous one still decrypts, and a ticket it opens
/// is replaced by a fresh one. So a ticket survives one `rotate()` and is refused (full handshake)
/// after two. Rotate at most every half ticket lifetime to keep every live ticket usable.
/// Share one instance between the old and the new `TLSServerContext` of a reload, so tickets
/// issued before the reload still resume.
public final class TLSSessionTicketKeys: Sendable {
    private let ring: Mutex<(current: TicketKey, previous: TicketKey?)>

    public init() throws(TLSError) {
        ring = Mutex((current: try TicketKey(), previous: nil))
    }

    /// Makes a fresh key current and keeps the current one for decryption only; the one before
    /// is forgotten. The Gateway calls this on a timer.
    public func rotate() throws(TLSError) {
        let fresh = try TicketKey()
        ring.withLock { $0 = (current: fresh, previous: $0.current) }
    }

    /// The key that encrypts new tickets.
    func encryptionKey() -> TicketKey {
        ring.withLock { $0.current }
    }

    /// The key named `name`, and whether it is the current one; nil when neither key has it.
    func decryptionKey(named name: UnsafeRawBufferPointer) -> (key: TicketKey, isCurrent: Bool)? {
        let (current, previous) = ring.withLock { ($0.current, $0.previous) }
        if current.hasName(name) { return (current, true) }
        if let previous, previous.hasName(name) { return (previous, false) }
        return nil
    }
}

/// One ticket key: name, AES-256 key and HMAC key in one block that is wiped on release.
final class TicketKey: @unchecked Sendable {   // immutable after init
    static let nameLength = 16
    static let cipherKeyLength = 32
    static let macKeyLength = 32
    private let storage: UnsafeMutableRawBufferPointer

    init() throws(TLSError) {
        let count = Self.nameLength + Self.cipherKeyLength + Self.macKeyLength
        storage = .allocate(byteCount: count, alignment: 16)
        OpenSSLErrorQueue.clear()
        guard RAND_bytes(storage.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) == 1 else {
            storage.deallocate()
            throw TLSError.drained(.internal, "RAND_bytes(ticket key)")
        }
    }

    deinit {
        OPENSSL_cleanse(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    var name: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<Self.nameLength]) }
    var cipherKey: UnsafePointer<UInt8> {
        UnsafePointer(storage.baseAddress!.advanced(by: Self.nameLength).assumingMemoryBound(to: UInt8.self))
    }
    var macKey: UnsafeMutableRawPointer { storage.baseAddress!.advanced(by: Self.nameLength + Self.cipherKeyLength) }

    func hasName(_ other: UnsafeRawBufferPointer) -> Bool {
        other.count == Self.nameLength && other.elementsEqual(name)
    }
}
