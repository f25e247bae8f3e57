import ActionURLs
import LastCallersWidget
import AgentProtocol
import CallControlMessages
import MuxEnvelope
import WSFraming

/// What the engine decided, for the hub to perform in order (docs/style.md §2). The engine never
/// performs I/O; everything it needs from outside comes back as a `DeliveryInput`.
public enum DeliveryAction: Equatable, Sendable {
    /// Send these bytes (one encoded event, numbered or not) to each of these tabs.
    case send([UInt8], to: [TabID])
    /// Answer the tab's request (the tab no longer counts it as waiting).
    case reply(TabID, AgentReply)
    /// Answer the tab's `login`/`sso` with a fresh session token for `user`, vouched for by
    /// `provider` (`loggedIn`, docs/agent-protocol.md §3), and hold the tab authenticated until the
    /// token expires. The gateway signs the token.
    case loggedIn(TabID, id: RequestID, user: String, provider: String)
    /// The tab is authenticated until `until` (Unix seconds; closed with 4003 then), or, nil, no
    /// longer signed in (or without expiry).
    case authenticated(TabID, until: Int64?)
    /// Close the tab (4009 when another connection of the same browser tab took its place).
    case close(TabID, code: CloseCode, reason: String)
    /// Ask the call-control back end; with a ticket, the answer comes back as
    /// `.callControlAnswered(ticket, …)`; without one, nothing waits for it.
    case callControl(CallControlRequest, ticket: Ticket?)
    /// Compare a password with the directory's hash (off the hub's loop: PBKDF2 and scrypt are
    /// slow on purpose); answer `.passwordChecked(ticket, …)`.
    case checkPassword(Ticket, username: String, password: String)
    /// Verify a credential of a tab at `address`; answer `.credentialChecked(ticket, …)`.
    case verify(Ticket, AgentCredential, address: String)
    /// Answer an ask from outside a tab.
    case answer(AskID, DeliveryAnswer)
    /// Hand these values to the Action URL dispatcher (docs/click-to-call.md §5).
    case publish(ActionURLValues)
    /// Count one `callgate_route_events_total{channel, event}`.
    case count(channel: String, event: String)
    /// Log a line at info level.
    case log(LogLine)

    // With a shared engine (`DeliveryEngine.sharedStream`, docs/cluster.md §6):

    /// Number `event` with the user's next `seq` in the shared stream, keep it and publish it on
    /// the user's channel (nil: a tombstone, events were lost); with a ticket, answer
    /// `.streamAppended(ticket, …)`. With the back end's `number` for it, an event already
    /// appended (by another instance that heard it too) is not appended again.
    case append(user: String, event: NumberedEvent?, ticket: Ticket?, number: EventNumber? = nil)
    /// Read the user's stream after a position; answer `.streamRead(ticket, …)`.
    case readStream(user: String, after: StreamPosition, ticket: Ticket)
    /// Receive the user's channel (`.streamEntries`): a first tab of the user is here.
    case follow(user: String)
    /// Stop receiving it: no tab of the user is left here.
    case unfollow(user: String)
    /// Claim `key` in the shared state for `ttlMilliseconds` unless it is claimed (`SET key ? NX PX
    /// ttl GET`); answer `.claimed(ticket, nil)` when the claim is ours, else what the key holds
    /// (`?` while its first claimer works, then the value it settled).
    case claim(key: String, ttlMilliseconds: Int, ticket: Ticket)
    /// Give a claim its outcome, for those who claimed after (`SET key value PX ttl`).
    case settle(key: String, value: [UInt8], ttlMilliseconds: Int)
    /// Forget a claim: its work failed and may be tried again (`DEL`).
    case release(key: String)
    /// Count a password attempt for `user` and `address` in the shared state, unless either count
    /// is at its limit (`LoginLimiter` between instances); answer `.attemptCounted(ticket, …)`.
    case countAttempt(user: String, address: String, ticket: Ticket)
    /// A right password: forget the user's count, take the attempt back from the address's.
    case forgetAttempt(user: String, address: String)
    /// A tab here acknowledged a ringing event this instance does not wait for: tell the instances
    /// following the user (`UserChannelMessage.ackBytes`), one of which may (`.streamAcked`).
    case publishAck(user: String, seq: UInt64)
    /// The ringing event `seq` this instance waits for is resent: tell the instances following
    /// the user to resend it to their tabs too (`UserChannelMessage.resendBytes`, `.streamResend`).
    case publishResend(user: String, seq: UInt64)
    /// A tab joined the user's tabs here: tell the instances following the user (`TabJoined`),
    /// which apply `autologout` and the tab id to their tabs (`.tabJoinedElsewhere`).
    case publishJoin(user: String, TabJoined)
    /// This instance's tabs of the user changed: tell the instances following the user
    /// (`TabPresence`), which count them and agree on the primary tab (`.tabPresence`).
    case publishPresence(user: String, TabPresence)
    /// Tell every instance that this one is alive (`TabPresence.heartbeatBytes`, `.instanceHeard`).
    case publishHeartbeat
    /// `caller` called the external `number`: put them first in the number's shared list (once
    /// per event: by the instance whose append wrote it).
    case recordLastCaller(number: String, caller: LastCaller)
    /// Read who called `number` last from the shared list; answer `.lastCallersFound(ticket, …)`.
    case lookUpLastCallers(number: String, ticket: Ticket)
}
