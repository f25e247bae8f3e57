/// What the request and response parsers share: parsing from a byte array as well as from a
/// buffer, with the parser's typed error, and the length of the head just parsed.
public protocol HTTPHeadParsing {
    associatedtype Head
    /// The length of the head most recently returned by `parse`, blank line included.
    var headLength: Int { get }
    /// Parses `buffer`, all bytes received so far for this head; nil while incomplete.
    mutating func parse(_ buffer: UnsafeRawBufferPointer) throws(HTTPError) -> Head?
}

extension HTTPHeadParsing {
    /// Parses `bytes`, all bytes received so far for this head; nil while incomplete.
    public mutating func parse(_ bytes: [UInt8]) throws(HTTPError) -> Head? {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(HTTPError) in try parse(buffer) }
        }
        return try result.get()
    }
}
