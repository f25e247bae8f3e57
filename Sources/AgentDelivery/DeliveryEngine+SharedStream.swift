import AgentProtocol
import CallControlMessages
import MuxEnvelope

/// Per-user events through a shared engine (docs/cluster.md §6), after Centrifugo's Redis engine:
/// the instance whose back end emitted an event appends it to the user's shared stream, which
/// numbers it and publishes it on the user's channel; every instance that holds tabs of the user
/// follows that channel and delivers each entry to its tabs, in `seq` order, once. Each instance
/// keeps a copy of the consecutive entries it delivered (`UserRecord.window` and `epoch`), from
/// which it answers most `attach`es; a gap in what arrives is filled by reading the stream, and
/// what cannot be filled (another epoch, a trimmed stream, a tombstone, the engine down) gives
/// the user's tabs a fresh state: never a silent gap.
extension DeliveryEngine {
    /// The shared engine numbered an event this instance appended (`deliverNumbered`).
    mutating func streamAppended(_ ticket: Ticket, _ result: Result<StreamEntry?, SharedStateFailure>) {
        guard case .appended(let user, let event, let party)? = pending.removeValue(forKey: ticket) else { return }
        switch result {
        case .success(nil):
            // Another instance appended it first (it arrives on the channel like any other entry),
            // and records and relays it.
            count("stream_append_repeat")
        case .success(let entry?):
            absorb([entry], of: user)
            var record = takeRecord(user)
            track(event, entry: ReplayWindow.Entry(seq: entry.seq, bytes: entry.bytes, recorded: time.milliseconds),
                  of: user, record: &record)
            users[user] = record
            watch(event, of: user, party: party)
        case .failure(let failure):
            // Lost for every tab of the user: those here get a fresh state now, the others when
            // the tombstone appended at recovery reaches them. Recorded and relayed here all the
            // same: an Action URL twice (every instance that heard it) rather than none.
            count("stream_append_failed")
            log("agent_event_lost", ["user": user, "reason": failure.reason])
            users[user]?.lost = true
            refresh(user)
            watch(event, of: user, party: party)
        }
    }

    /// Entries of the user's stream, from the channel, an append's answer or a read, in order:
    /// each one next after the copy's end is kept and delivered to the user's live tabs here;
    /// one already delivered is skipped; one further on starts a read of the gap (entries wait
    /// meanwhile); one of another epoch means the stream started over (Redis lost it): the copy
    /// starts from it, and the tabs get a fresh state.
    mutating func absorb(_ entries: [StreamEntry], of user: String) {
        guard sharedStream, var record = users[user], !record.tabs.isEmpty else { return }
        var refreshing = false
        for entry in entries {
            if record.reading {
                record.held.append(entry)
                continue
            }
            if record.epoch.isEmpty {
                record.epoch = entry.epoch
                record.window = newWindow(lastSeq: entry.seq - 1)
            }
            if entry.epoch != record.epoch {
                count("stream_epoch_changed")
                record.epoch = entry.epoch
                record.window = newWindow(lastSeq: entry.seq)
                refreshing = true
                continue
            }
            guard entry.seq > record.window.lastSeq else { continue }
            if entry.seq > record.window.lastSeq + 1 {
                count("stream_gap")
                record.reading = true
                record.held = [entry]
                actions.append(.readStream(user: user, after: StreamPosition(epoch: record.epoch, seq: record.window.lastSeq),
                                           ticket: issue(.streamGap(user: user))))
                continue
            }
            _ = record.window.append(now: time.milliseconds) { _ in entry.bytes }
            if entry.isTombstone {
                refreshing = true
            } else {
                deliver(entry.bytes, to: record.tabs.filter { tabs[$0]?.catchingUp != true })
            }
        }
        users[user] = record
        if refreshing { refresh(user) }
    }

    mutating func streamRead(_ ticket: Ticket, _ result: Result<StreamRead, SharedStateFailure>) {
        switch pending.removeValue(forKey: ticket) {
        case .streamGap(let user)?: gapRead(result, user: user)
        case .streamBase(let user)?: baseRead(result, user: user)
        case .attachRead(let tab, let id, let user, let state, let position)?:
            attachRead(result, tab: tab, id: id, user: user, state: state, position: position)
        default: break
        }
    }

    /// The gap read: its entries, then those held meanwhile; a gap that cannot be filled is
    /// jumped over, and the user's tabs here get a fresh state.
    private mutating func gapRead(_ result: Result<StreamRead, SharedStateFailure>, user: String) {
        guard var record = users[user], record.reading else { return }
        let held = record.held
        record.reading = false
        record.held = []
        switch result {
        case .success(.complete(let entries, _)):
            users[user] = record
            absorb(entries + held, of: user)
        case .success(.incomplete(let top)):
            record.epoch = top.epoch
            record.window = newWindow(lastSeq: top.seq)
            users[user] = record
            refresh(user)
            absorb(held, of: user)
        case .failure(let failure):
            log("agent_stream_gap", ["user": user, "reason": failure.reason])
            if let last = held.last {
                record.epoch = last.epoch
                record.window = newWindow(lastSeq: last.seq)
            }
            users[user] = record
            refresh(user)
        }
    }

    /// The stream's end when the user's first tab here arrived: the copy starts there, then takes
    /// what arrived meanwhile. Not read (Redis down, no stream yet): the first entry starts it.
    private mutating func baseRead(_ result: Result<StreamRead, SharedStateFailure>, user: String) {
        guard var record = users[user], record.reading, record.epoch.isEmpty else { return }
        let held = record.held
        record.reading = false
        record.held = []
        if case .success(let read) = result, !read.top.epoch.isEmpty {
            record.epoch = read.top.epoch
            record.window = newWindow(lastSeq: read.top.seq)
        }
        users[user] = record
        absorb(held, of: user)
    }

    /// The replay of an `attach` from the shared stream. The copy here is brought up to the
    /// stream's end first (the user's other tabs here get what they lacked), then the tab gets the
    /// entries after its position and joins the live ones.
    private mutating func attachRead(_ result: Result<StreamRead, SharedStateFailure>, tab: TabID, id: RequestID, user: String,
                                     state: AgentState, position: StreamPosition) {
        guard tabs[tab]?.user == user, tabs[tab]?.catchingUp == true else { return }
        defer { tabs[tab]?.catchingUp = false }
        guard case .success(let read) = result else {
            attachIncomplete(tab, id: id, user: user, state: state)
            return
        }
        var record = users[user]!
        let top: StreamPosition
        switch read {
        case .complete(let entries, let end):
            top = end
            if record.epoch != end.epoch && !record.reading {
                // Unknown here, or a copy of a stream that started over since.
                let stale = !record.epoch.isEmpty
                record.epoch = end.epoch
                record.window = newWindow(lastSeq: position.seq)
                users[user] = record
                if stale { refresh(user) }
            }
            absorb(entries, of: user)
            record = users[user]!
            guard !record.reading, record.epoch == end.epoch else {
                replayedFromStream(tab, id: id, user: user, state: state, entries, top: end)
                return
            }
            // The copy may have gone past the read's end meanwhile: the rest comes from it.
            let rest = record.window.lastSeq > end.seq ? replayHere(user, after: end) : []
            if let rest {
                replayedFromStream(tab, id: id, user: user, state: state, entries + rest.map {
                    StreamEntry(position: StreamPosition(epoch: end.epoch, seq: $0.seq), bytes: $0.bytes)
                }, top: StreamPosition(epoch: end.epoch, seq: max(end.seq, record.window.lastSeq)))
                return
            }
        case .incomplete(let end):
            top = end
        }
        if record.epoch.isEmpty || (record.epoch != top.epoch && !record.reading) {
            record.epoch = top.epoch
            record.window = newWindow(lastSeq: top.seq)
            users[user] = record
        }
        attachIncomplete(tab, id: id, user: user, state: state)
    }

    private mutating func replayedFromStream(_ tab: TabID, id: RequestID, user: String, state: AgentState, _ entries: [StreamEntry],
                                             top: StreamPosition) {
        reply(tab, .attached(id: id, state: state, lastSeq: top.seq, complete: true, epoch: top.epoch.isEmpty ? nil : top.epoch))
        for entry in entries { deliver(entry.bytes, to: [tab]) }
        attached(user)
    }

    /// A fresh state (the back end's snapshot, stamped with the copy's end) for every live tab of
    /// the user here.
    mutating func refresh(_ user: String) {
        guard let record = users[user], !record.tabs.isEmpty else { return }
        count("stream_refresh")
        ask(.snapshot(user: user), then: .refresh(user: user))
    }

    mutating func refreshed(_ answer: CallControlAnswer, user: String) {
        sendFreshState(answer, to: (users[user]?.tabs ?? []).filter { tabs[$0]?.catchingUp != true }, user: user)
    }

    /// The shared engine is back: a tombstone for each user whose events were lost meanwhile,
    /// and a read of every followed stream after the copy's end (the channel kept nothing while
    /// it was down).
    mutating func sharedStateUp() {
        guard sharedStream else { return }
        for user in users.keys.sorted() {
            guard var record = users[user] else { continue }
            if record.lost {
                record.lost = false
                actions.append(.append(user: user, event: nil, ticket: nil))
            }
            if !record.tabs.isEmpty {
                // The channel kept nothing meanwhile: the others' tabs are asked for again.
                record.askedAt = time.milliseconds
                record.unconfirmed = Set(record.elsewhere.keys)
                actions.append(.publishPresence(user: user, presence(of: user, ask: true)))
            }
            if !record.tabs.isEmpty, !record.epoch.isEmpty, !record.reading {
                record.reading = true
                actions.append(.readStream(user: user, after: StreamPosition(epoch: record.epoch, seq: record.window.lastSeq),
                                           ticket: issue(.streamGap(user: user))))
            }
            users[user] = record
        }
    }
}
