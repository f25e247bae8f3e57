import Glibc
import CLinux

extension Socket {
    /// A non-blocking stream socket connecting to `address`. The connect usually finishes later:
    /// wait for the socket to become writable, then read `connectError(_:)`. Fails at once only
    /// when the kernel refuses immediately (no route, no socket left, a loopback port that
    /// answers RST before `connect` returns).
    static func connect(to address: SocketAddress) throws(SystemError) -> Int32 {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError(call: "socket", code: errno) }
        let result = address.withSockaddr { Glibc.connect(fd, $0, $1) }
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            close(fd)
            throw SystemError(call: "connect \(address)", code: code)
        }
        return fd
    }

    /// The outcome of a non-blocking connect once the socket is writable (or in error): 0 when
    /// connected, else the errno it failed with (`SO_ERROR`).
    static func connectError(_ fd: Int32) -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 else { return errno }
        return error
    }
}
