import WSFraming

/// The data frames of the mux envelope: one WebSocket binary message each, in both directions.
///
/// ```
///   0               1               2               3               4
///  +---------------+---------------+---------------+---------------+---------------+------ - -
///  |     kind      |            session id (UInt32, big-endian, nonzero)           | payload
///  | 0x01 text     |                                                               | verbatim
///  | 0x02 binary   |                                                               | ...
///  +---------------+---------------+---------------+---------------+---------------+------ - -
/// ```
///
/// Control messages travel in text frames instead (`MuxControl`).
public enum MuxFrame {
    /// Bytes before the payload: kind (1) and session id (4).
    public static let dataHeaderLength = 5

    /// Appends the 5-byte header of a data frame to `buffer`; the caller appends the payload
    /// right after it, so the frame is built in place without copying the payload twice.
    /// `session` must be nonzero (not checked here: the gateway allocates ids from 1).
    @inlinable
    public static func encodeDataHeader(kind: MuxDataKind, session: UInt32, into buffer: inout [UInt8]) {
        buffer.append(kind.rawValue)
        buffer.append(UInt8(truncatingIfNeeded: session >> 24))
        buffer.append(UInt8(truncatingIfNeeded: session >> 16))
        buffer.append(UInt8(truncatingIfNeeded: session >> 8))
        buffer.append(UInt8(truncatingIfNeeded: session))
    }

    /// Decodes the payload of a received binary WebSocket message into its kind, session and
    /// payload. The payload is a slice of `frame`, not a copy.
    ///
    /// A text payload is validated as UTF-8 here (it is relayed to the browser as a text
    /// message, which RFC 6455 §8.1 requires to be UTF-8). A session id that is not open on the
    /// connection is not this function's business: the gateway answers it with a `close`.
    /// - Throws: `.dataFrameTooShort` under 5 bytes, `.zeroSession`, `.unknownDataKind`,
    ///   `.invalidUTF8` for a text payload that is not UTF-8.
    public static func decodeData(_ frame: UnsafeRawBufferPointer) throws(MuxProtocolError) -> MuxDataFrame {
        guard frame.count >= dataHeaderLength else { throw .dataFrameTooShort(length: frame.count) }
        guard let kind = MuxDataKind(rawValue: frame[0]) else { throw .unknownDataKind(frame[0]) }
        let session = UInt32(frame[1]) << 24 | UInt32(frame[2]) << 16 | UInt32(frame[3]) << 8 | UInt32(frame[4])
        guard session != 0 else { throw .zeroSession }
        let payload = UnsafeRawBufferPointer(rebasing: frame[dataHeaderLength...])
        if kind == .text && !UTF8Validator.isValid(payload) { throw .invalidUTF8(session: session) }
        return MuxDataFrame(kind: kind, session: session, payload: payload)
    }
}
