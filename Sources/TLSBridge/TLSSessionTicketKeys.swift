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

    /// Bytes of one key's material: its name, the AES-256 key, the HMAC key.
    public static let materialLength = TicketKey.nameLength + TicketKey.cipherKeyLength + TicketKey.macKeyLength

    /// Fresh random material for one key, for keys several servers share (docs/cluster.md §6.6).
    public static func newMaterial() throws(TLSError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: materialLength)
        OpenSSLErrorQueue.clear()
        guard RAND_bytes(&bytes, Int32(bytes.count)) == 1 else { throw TLSError.drained(.internal, "RAND_bytes(ticket key)") }
        return bytes
    }

    /// Makes keys from shared material current (and previous): servers that install the same
    /// material open each other's tickets. Each is `materialLength` bytes.
    public func install(current: [UInt8], previous: [UInt8]?) throws(TLSError) {
        let fresh = try TicketKey(material: current)
        let before = try previous.map { material throws(TLSError) in try TicketKey(material: material) }
        ring.withLock { $0 = (current: fresh, previous: before) }
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

    /// A key from `TLSSessionTicketKeys.materialLength` bytes of shared material.
    init(material: [UInt8]) throws(TLSError) {
        guard material.count == TLSSessionTicketKeys.materialLength else {
            throw TLSError.drained(.internal, "ticket key material of \(material.count) bytes")
        }
        storage = .allocate(byteCount: material.count, alignment: 16)
        storage.copyBytes(from: material)
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
