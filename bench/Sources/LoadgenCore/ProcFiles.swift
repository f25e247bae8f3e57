/// Parsers for the /proc files the load generator reads (proc(5)). Pure: the caller reads the text.
public enum ProcFiles {
    /// CPU time charged to a process and all its threads, in clock ticks (`sysconf(_SC_CLK_TCK)`).
    public struct CPUTicks: Equatable, Sendable {
        public var user: UInt64
        public var system: UInt64
        public var total: UInt64 { self.user + self.system }

        public init(user: UInt64, system: UInt64) {
            self.user = user
            self.system = system
        }
    }

    /// Fields 14 (utime) and 15 (stime) of /proc/PID/stat. Field 2, the command name, is in
    /// parentheses and may itself hold spaces and parentheses, so fields are counted from the last ')'.
    public static func cpuTicks(stat: String) -> CPUTicks? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        // After ')' come fields 3 (state), 4, ... so field n is at index n - 3.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = UInt64(fields[14 - 3]), let system = UInt64(fields[15 - 3]) else { return nil }
        return CPUTicks(user: user, system: system)
    }

    /// The value of a `Name:\tvalue` line of /proc/PID/status, trimmed.
    public static func statusField(_ name: String, status: String) -> String? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: " \t")
        }
        return nil
    }

    /// VmRSS of /proc/PID/status in bytes (the file gives kB).
    public static func residentBytes(status: String) -> Int? {
        Self.kilobyteField("VmRSS", status: status)
    }

    /// A `Name:\t  1234 kB` line of /proc/PID/status in bytes (RssAnon, VmHWM, …).
    public static func kilobyteField(_ name: String, status: String) -> Int? {
        guard let field = statusField(name, status: status),
            let kib = Int(field.split(separator: " ").first ?? "")
        else { return nil }
        return kib * 1024
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
