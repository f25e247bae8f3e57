/// A received mux data frame, as `MuxFrame.decodeData(_:)` found it.
///
/// `payload` points into the buffer that was decoded and is valid only as long as that buffer
/// is: relay it (or copy it) before the buffer is reused.
public struct MuxDataFrame {
    public var kind: MuxDataKind
    /// Nonzero.
    public var session: UInt32
    /// The session's message, verbatim: UTF-8 (validated) for `.text`, opaque for `.binary`.
    public var payload: UnsafeRawBufferPointer

    public init(kind: MuxDataKind, session: UInt32, payload: UnsafeRawBufferPointer) {
        self.kind = kind
        self.session = session
        self.payload = payload
    }
}
