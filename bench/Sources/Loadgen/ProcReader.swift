import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// Reads the /proc files of the server and of this process.
enum ProcReader {
    static let ticksPerSecond = Int(sysconf(Int32(_SC_CLK_TCK)))

    /// The whole of a small file, or nil if it cannot be read.
    static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 || errno != EINTR {
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "self" or a pid.
    private static func directory(_ pid: Int32?) -> String { pid.map { "/proc/\($0)" } ?? "/proc/self" }

    static func cpuTicks(pid: Int32?) throws(LoadgenError) -> ProcFiles.CPUTicks {
        let path = directory(pid) + "/stat"
        guard let text = read(path) else { throw .proc("cannot read \(path): is the server still running?") }
        guard let ticks = ProcFiles.cpuTicks(stat: text) else { throw .proc("cannot parse utime/stime in \(path)") }
        return ticks
    }

    static func residentBytes(pid: Int32) throws(LoadgenError) -> Int {
        let path = directory(pid) + "/status"
        guard let text = read(path) else { throw .proc("cannot read \(path): is the server still running?") }
        guard let bytes = ProcFiles.residentBytes(status: text) else { throw .proc("no VmRSS in \(path)") }
        return bytes
    }

    /// The entries of /proc/PID/fd: the process's open files, sockets included.
    static func openFileCount(pid: Int32) throws(LoadgenError) -> Int {
        let path = directory(pid) + "/fd"
        guard let dir = opendir(path) else { throw .proc("cannot list \(path): \(SystemErrno.describe(errno))") }
        defer { closedir(dir) }
        var count = 0
        while let entry = readdir(dir) {
            // Skip "." and "..".
            let isDot = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDot { count += 1 }
        }
        return count
    }

    /// Cpus_allowed_list, e.g. "1" after `taskset -c 1`.
    static func allowedCPUs(pid: Int32?) -> String? {
        read(directory(pid) + "/status").flatMap { ProcFiles.statusField("Cpus_allowed_list", status: $0) }
    }
}
