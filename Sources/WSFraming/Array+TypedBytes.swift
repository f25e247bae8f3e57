extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for a body that throws `WebSocketError` (the standard one rethrows untyped).
    @inlinable
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(WebSocketError) -> R) throws(WebSocketError) -> R {
        try withUnsafeBytes { bytes in Result { () throws(WebSocketError) in try body(bytes) } }.get()
    }

    /// `withUnsafeMutableBytes` for a body that throws `WebSocketError`.
    @inlinable
    mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(WebSocketError) -> R) throws(WebSocketError) -> R {
        try withUnsafeMutableBytes { bytes in Result { () throws(WebSocketError) in try body(bytes) } }.get()
    }
}
