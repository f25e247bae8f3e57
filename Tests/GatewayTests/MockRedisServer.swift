import Glibc
@testable import Gateway

/// A MOCK Redis server on loopback: it stands in for the failures a real `redis-server` cannot
/// be made to show on cue — closing in the middle of a reply, answering with bytes that are not
/// RESP, answering twice, never answering, or sending a reply one byte per write. Each accepted
/// connection reads one chunk (the client's command) and then does `behaviour`; it knows no
/// Redis command.
final class MockRedisServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Sends these bytes, then closes.
        case sendThenClose([UInt8])
        /// Sends these bytes one per write, 1 ms apart, and keeps the connection.
        case dribble([UInt8])
        /// Reads and never answers.
        case silent
    }

    let port: UInt16
    private let listener: Int32
    private var thread: pthread_t?

    init(_ behaviour: Behaviour) throws {
        let address = try SocketAddress(parsing: "127.0.0.1:0")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        _ = address.withSockaddr { bind(fd, $0, $1) }
        listen(fd, 16)
        listener = fd
        port = Socket.localAddress(fd)!.port
        thread = Thread.spawn(name: "mock-redis") {
            var clients: [Int32] = []
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { break }
                clients.append(client)
                var chunk = [UInt8](repeating: 0, count: 65_536)
                guard recv(client, &chunk, chunk.count, 0) > 0 else { continue }
                switch behaviour {
                case .sendThenClose(let bytes):
                    _ = send(client, bytes, bytes.count, Int32(MSG_NOSIGNAL))
                    close(client)
                case .dribble(let bytes):
                    for byte in bytes {
                        var one = byte
                        _ = send(client, &one, 1, Int32(MSG_NOSIGNAL))
                        usleep(1_000)
                    }
                case .silent:
                    break
                }
            }
            for client in clients { close(client) }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    /// Client settings for this mock: no handshake (the mock would not answer `CLIENT SETNAME`).
    var settings: RedisSettings {
        var settings = RedisSettings()
        settings.port = port
        settings.clientName = ""
        settings.reconnectBaseMilliseconds = 20
        settings.reconnectCapMilliseconds = 200
        return settings
    }
}
