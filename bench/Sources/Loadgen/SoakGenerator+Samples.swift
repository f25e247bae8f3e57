import CLinux
import LoadgenCore

#if canImport(Glibc)
import Glibc
#endif

/// The soak's churn (connections closed to be reopened) and its samples of the server.
extension SoakGenerator {
    /// Closes this tick's share of the connections (1001) to reopen them. A connection waiting for
    /// an echo or a reply is left alone, and so is a tab whose user has another tab not open.
    func churn(now: UInt64) {
        guard self.phase == .warmup || self.phase == .loaded, self.options.churn > 0 else { return }
        self.churnOwed += self.options.churn * Double(self.count) * 0.1
        var tries = 0
        while self.churnOwed >= 1 && tries < 64 {
            tries += 1
            let i = Int(self.random.next() % UInt64(self.count))
            guard self.churnable(i) else { continue }
            self.churnOwed -= 1
            self.beginClose(i, code: 1001, reconnect: true)
        }
        self.churnOwed = min(self.churnOwed, 1000)
    }

    private func churnable(_ i: Int) -> Bool {
        let slot = self.slots[i]
        guard slot.state == .open, !slot.awaitingEcho, slot.requestsInFlight == 0 else { return false }
        guard slot.isTab else { return true }
        let user = self.users[Int(slot.user)]
        return (user.firstSlot..<user.firstSlot + user.tabCount).allSatisfy { $0 == i || self.slots[$0].state == .open }
    }

    func sample(now: UInt64) throws(LoadgenError) {
        let pid = self.options.serverPID
        let path = "/proc/\(pid)/status"
        guard let status = ProcReader.read(path), let rss = ProcFiles.residentBytes(status: status) else {
            throw .proc("cannot read \(path): is the server still running?")
        }
        let own = ProcReader.read("/proc/self/status").flatMap { ProcFiles.residentBytes(status: $0) }
        let ticks = try? ProcReader.cpuTicks(pid: pid)
        var cpu: Double?
        if let ticks, let last = self.lastSampleTicks, now > self.lastSampleAt {
            cpu = Double(ticks.total - last.total) / Double(ProcReader.ticksPerSecond) / (Double(now - self.lastSampleAt) / 1e9) * 100
        }
        let load = ProcReader.read("/proc/loadavg").flatMap { Double($0.split(separator: " ").first ?? "") }
        self.report.samples.append(
            SoakReport.Sample(
                seconds: self.seconds(now), phase: self.phase, rssBytes: rss, anonBytes: ProcFiles.kilobyteField("RssAnon", status: status),
                openFiles: try ProcReader.openFileCount(pid: pid), clientSockets: self.socketCount, loadgenRSSBytes: own,
                serverCPUPercent: cpu, loadgenLagMilliseconds: self.phase == .before ? nil : Double(self.maxLag) / 1e6, loadAverage: load))
        self.lastSampleAt = now
        self.lastSampleTicks = ticks
        self.maxLag = 0
        self.nextSample = now + MonotonicClock.seconds(self.options.sampleInterval)
    }
}
