/// The opening handshake of RFC 6455 §1.2, byte for byte (HTTP1Tests parses the same request as
/// a plain HTTP/1.1 head).
func httpBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The RFC 6455 §1.2 sample client handshake.
let rfc6455SampleRequest =
    "GET /chat HTTP/1.1\r\n" +
    "Host: server.example.com\r\n" +
    "Upgrade: websocket\r\n" +
    "Connection: Upgrade\r\n" +
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
    "Origin: http://example.com\r\n" +
    "Sec-WebSocket-Protocol: chat, superchat\r\n" +
    "Sec-WebSocket-Version: 13\r\n" +
    "\r\n"

/// The RFC 6455 §1.2 sample server handshake.
let rfc6455SampleResponse =
    "HTTP/1.1 101 Switching Protocols\r\n" +
    "Upgrade: websocket\r\n" +
    "Connection: Upgrade\r\n" +
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
    "Sec-WebSocket-Protocol: chat\r\n" +
    "\r\n"
