import Glibc
import CLinux

/// One process per port unless every process on it asks to share (`sharePort`, docs/config.md).
/// Each loop binds its own listening socket with SO_REUSEPORT, so without this a second
/// callgate of the same user started on a port would bind silently and the kernel would split
/// new clients between the two processes.
///
/// The lock is an abstract-namespace Unix socket named `callgate-port-<port>` (unix(7)), bound
/// before the port's listening sockets and held for the life of the process:
/// - the kernel releases it when the process ends, however it ends (`kill -9` included): no
///   stale lock file, nothing to clean up after a crash;
/// - the abstract namespace belongs to the network namespace, as the TCP port does: two
///   containers with their own network each have their own port and their own lock;
/// - it needs no directory: processes with another `stateDirectory` or working directory see it
///   (a `flock` on a file under the state directory would not).
/// Not covered: abstract names carry no permissions, so another local user could hold the name
/// and stop callgate from starting; the error names the lock.
///
/// A process that does not share also checks, once it holds the lock, that nothing listens on
/// the address yet (a bind without SO_REUSEPORT fails then): a process that shares the port, or
/// another program, is found too. A process that shares takes no lock, but fails when a process
/// that does not share holds it: the lock socket listens, and a sharer's `connect` to it
/// succeeds (or finds its backlog full) only then. Sharers never bind the name, so sharers
/// starting together never see each other as the lock's holder. Not covered: a sharer and a
/// process that does not share starting at the same instant may both run.
final class PortLock {
    struct PortInUse: Error, CustomStringConvertible {
        var address: String
        var why: String
        var description: String {
            "\(address): \(why); set \"sharePort\": true in every process that is to share the port"
        }
    }

    /// This process's locks, by port.
    private var held: [UInt16: Int32] = [:]

    deinit {
        for fd in held.values { close(fd) }
    }

    static func name(port: UInt16) -> String { "callgate-port-\(port)" }

    /// Claims `address`'s port for this process before it binds there (`probe`: also check that
    /// nothing listens there yet; false once this process bound the port itself).
    func claim(_ address: SocketAddress, share: Bool, probe: Bool = true) throws(PortInUse) {
        let port = address.port
        guard held[port] == nil else { return }
        if share {
            guard Self.isHeld(Self.name(port: port)) else { return }
            throw PortInUse(address: "\(address)", why: "another callgate process holds port \(port) and does not share it (lock @\(Self.name(port: port)))")
        }
        let (fd, code) = Self.bindAbstract(Self.name(port: port))
        guard fd >= 0 else {
            throw PortInUse(address: "\(address)", why: code == EADDRINUSE
                ? "another callgate process listens on port \(port) (lock @\(Self.name(port: port)))"
                : "cannot take the port's lock @\(Self.name(port: port)): \(String(cString: strerror(code)))")
        }
        held[port] = fd
        if probe, Self.isListened(address) {
            throw PortInUse(address: "\(address)", why: "another process listens there already")
        }
    }

    /// A listening Unix stream socket bound to the abstract name `name`; (-1, errno) on failure.
    private static func bindAbstract(_ name: String) -> (Int32, Int32) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return (-1, errno) }
        let bound = withAbstractAddress(name) { bind(fd, $0, $1) }
        guard bound == 0, listen(fd, 1) == 0 else { let code = errno; close(fd); return (-1, code) }
        return (fd, 0)
    }

    /// Whether a process holds the abstract name `name`: a non-blocking `connect` is accepted
    /// into its backlog, or finds the backlog full (EAGAIN); nobody bound it: ECONNREFUSED.
    private static func isHeld(_ name: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let connected = withAbstractAddress(name) { connect(fd, $0, $1) }
        return connected == 0 || errno == EAGAIN
    }

    /// `body` with the `sockaddr_un` of the abstract name `name` and its length.
    private static func withAbstractAddress<T>(_ name: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(name.utf8)
        // unix(7): an abstract name starts with a NUL byte; its length is given, not terminated.
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            path[0] = 0
            for (index, byte) in bytes.prefix(path.count - 1).enumerated() { path[index + 1] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + 1 + min(bytes.count, 107))
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// Whether a bind to `address` without SO_REUSEPORT fails because the port is in use.
    private static func isListened(_ address: SocketAddress) -> Bool {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if address.family == AF_INET6 {
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let bound = address.withSockaddr { bind(fd, $0, $1) }
        return bound != 0 && errno == EADDRINUSE
    }
}
