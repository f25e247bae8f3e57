import Testing
@testable import ActionURLs
import TestSupport
@testable import AgentProtocol

/// Device Action URLs in (docs/compatibility.md §4.2): `GET /action?action=…` parsed strictly, its times, and the
/// agent events and Call objects it becomes.
@Suite struct ActionURLEventTests {
    static let guid = "1399c8c8-cf9e-3ebe-764f-d12b1f7bea35"
    static let created: Int64 = 1_553_510_062      // 2019-03-25T10-34-22 UTC
    static let connectedAt: Int64 = 1_553_510_067  // 2019-03-25T10-34-27
    static let disconnectedAt: Int64 = 1_553_510_074 // 2019-03-25T10-34-34

    /// A query as a phone sends it with `ActionURLEvent.deviceQueryTemplate`, the wiki example's values (docs/compatibility.md §4.4).
    static func query(action: String = "inbound", direction: String = "inbound", int: String = "0", hold: String = "off_hold",
                      duration: String = "0", connected: String = "", disconnected: String = "",
                      remote: String = "+4930123456", extra: String = "") -> String {
        "action=\(action)&call_direction=\(direction)&call_direction_as_int=\(int)&local_party=987@example.com"
            + "&local_alias=Alice%20Nov%C3%A1kov%C3%A1&hold_state=\(hold)&call_duration_seconds=\(duration)"
            + "&call_created_time=2019-03-25T10-34-22&call_connected_time=\(connected)&call_disconnected_time=\(disconnected)"
            + "&call_guid=\(guid)&remote_party=\(remote)&remote_alias=Max+Mustermann" + extra
    }

    private func parse(_ query: String?, offset: Int = 0) -> Result<ActionURLEvent, ActionURLError> {
        ActionURLEvent.parse(query: query, utcOffsetSeconds: offset)
    }

    // MARK: parsing

    @Test func inboundWithEveryParameter() throws {
        let event = try parse(Self.query(extra: "&key=phone-key&_=1")).get()
        #expect(event == ActionURLEvent(action: .inbound, direction: .incoming, localParty: "987@example.com",
                                        localAlias: "Alice Nováková", holdState: .offHold, durationSeconds: 0,
                                        created: Self.created, callGuid: Self.guid, remoteParty: "+4930123456",
                                        remoteAlias: "Max Mustermann", apiKey: "phone-key"))
        #expect(event.localUser == "987")
    }

    @Test func everyAction() throws {
        #expect(try parse(Self.query(action: "outbound", direction: "outbound", int: "1")).get().direction == .outgoing)
        let connected = try parse(Self.query(action: "connected", connected: "2019-03-25T10-34-27")).get()
        #expect(connected.connected == Self.connectedAt)
        let hold = try parse(Self.query(action: "hold", hold: "on_hold", duration: "3", connected: "2019-03-25T10-34-27")).get()
        #expect(hold.holdState == .onHold && hold.durationSeconds == 3)
        let ended = try parse(Self.query(action: "disconnected", duration: "7", connected: "2019-03-25T10-34-27",
                                         disconnected: "2019-03-25T10-34-34")).get()
        #expect(ended.disconnected == Self.disconnectedAt)
    }

    @Test func minimalQueries() throws {
        // Direction from the action; everything optional absent.
        let event = try parse("action=outbound&local_party=sip:987@example.com;transport=tcp&call_guid=g-1").get()
        #expect(event == ActionURLEvent(action: .outbound, direction: .outgoing, localParty: "sip:987@example.com;transport=tcp",
                                        callGuid: "g-1", remoteParty: ""))
        #expect(event.localUser == "987")
        #expect(try parse("action=connected&call_direction_as_int=1&local_party=987&call_guid=g").get().direction == .outgoing)
        // A raw + in remote_party is a plus; a form-encoded space elsewhere is a space.
        #expect(try parse("action=inbound&local_party=987&call_guid=g&remote_party=+49+30+123").get().remoteParty == "+49 30 123")
    }

    @Test func missingParameters() {
        #expect(parse(nil) == .failure(.missingParameter("action")))
        #expect(parse("action=&local_party=987&call_guid=g") == .failure(.missingParameter("action")))
        #expect(parse("action=inbound&call_guid=g") == .failure(.missingParameter("local_party")))
        #expect(parse("action=inbound&local_party=987") == .failure(.missingParameter("call_guid")))
        #expect(parse("action=connected&local_party=987&call_guid=g") == .failure(.missingParameter("call_direction")))
        #expect(parse("action=hold&call_direction=inbound&local_party=987&call_guid=g") == .failure(.missingParameter("hold_state")))
    }

    @Test func invalidValues() {
        func value(_ name: String, _ expected: String) -> Result<ActionURLEvent, ActionURLError> {
            .failure(.invalidValue(name: name, expected: expected))
        }
        #expect(parse("action=make_call&local_party=987&call_guid=g") == value("action", "inbound, outbound, connected, hold or disconnected"))
        #expect(parse("action=INBOUND&local_party=987&call_guid=g") == value("action", "inbound, outbound, connected, hold or disconnected"))
        #expect(parse(Self.query(direction: "in")) == value("call_direction", "inbound or outbound"))
        #expect(parse(Self.query(int: "2")) == value("call_direction_as_int", "0 or 1"))
        #expect(parse(Self.query(hold: "held")) == value("hold_state", "on_hold or off_hold"))
        for duration in ["-1", "1.5", "1e3", "1234567890", "abc"] {
            #expect(parse(Self.query(duration: duration)) == value("call_duration_seconds", "a whole number of seconds (0–999999999)"))
        }
        let time = "a time like 2019-03-25T10-34-22"
        for text in ["2019-03-25", "2019-02-29T10-00-00", "2019-13-01T00-00-00", "2019-03-25T24-00-00", "2019-03-25 10-34-27",
                     "2019-03-25T10-34-60", "1969-12-31T23-59-59", "2019-03-25T10:34-27", "１９"] {
            #expect(parse(Self.query(connected: text)) == value("call_connected_time", time), "\(text)")
        }
        #expect(parse("action=inbound&local_party=987&call_guid=a%20b") == value("call_guid", "1–128 characters of A–Z a–z 0–9 - . _ ~"))
        #expect(parse("action=inbound&local_party=987&call_guid=\(String(repeating: "g", count: 129))")
                == value("call_guid", "1–128 characters of A–Z a–z 0–9 - . _ ~"))
        #expect(parse("action=inbound&local_party=98%0A7&call_guid=g") == value("local_party", "at most 256 bytes without control characters"))
        #expect(parse(Self.query(extra: "").replacingAlias("Max%0D%0ASet-Cookie:%20a=b"))
                == value("remote_alias", "at most 256 bytes without control characters"))
        #expect(parse("action=inbound&local_party=987&call_guid=g&remote_party=1%0D2")
                == value("remote_party", "at most 128 bytes without control characters"))
    }

    @Test func conflictingDirections() {
        #expect(parse(Self.query(int: "1")) == .failure(.conflictingDirection))
        #expect(parse(Self.query(direction: "outbound", int: "1")) == .failure(.conflictingDirection))
        #expect(parse(Self.query(action: "outbound")) == .failure(.conflictingDirection))
    }

    @Test func strictParameterList() {
        #expect(parse(Self.query(extra: "&calldirection=inbound")) == .failure(.unknownParameter("calldirection")))
        #expect(parse(Self.query(extra: "&action=inbound")) == .failure(.repeatedParameter("action")))
        #expect(parse(Self.query(extra: "&remote_alias=x")) == .failure(.repeatedParameter("remote_alias")))
        #expect(parse(Self.query(extra: "&x=%E0")) == .failure(.unknownParameter("x")))
        #expect(parse("action=inbound&local_party=%E0%A4&call_guid=g") == .failure(.undecodableQuery))
    }

    @Test func errorStatuses() {
        #expect(ActionURLError.missingParameter("action").status == 400)
        #expect(ActionURLError.conflictingDirection.status == 400)
        #expect(ActionURLError.unauthorized(.missingCredential).status == 401)
        #expect(ActionURLError.unknownDevice.status == 404)
        #expect(ActionURLError.unknownParameter("a\nb").reason == "unknown parameter a?b")
    }

    @Test func deviceTemplateNamesEveryPlaceholder() {
        #expect(ActionURLEvent.deviceQueryTemplate.hasPrefix("action=<$action>&call_direction=<$call_direction>&call_direction_as_int=<$call_direction_as_int>&"))
        #expect(ActionURLEvent.deviceQueryTemplate.hasSuffix("&remote_party=<$remote_party>&remote_alias=<$remote_alias>"))
        #expect(ActionURLEvent.parameters.count == 15)
    }

    // MARK: times

    @Test func phoneTimes() {
        #expect(ActionURLTime.parse("2019-03-25T10-34-22", utcOffsetSeconds: 0) == Self.created)
        #expect(ActionURLTime.parse("2019-03-25T10:34:22", utcOffsetSeconds: 0) == Self.created)
        #expect(ActionURLTime.parse("2019-03-25T10-34-22", utcOffsetSeconds: 3_600) == 1_553_506_462)
        #expect(ActionURLTime.parse("2019-03-25T10-34-22", utcOffsetSeconds: -18_000) == Self.created + 18_000)
        #expect(ActionURLTime.parse("1970-01-01T00-00-00", utcOffsetSeconds: 0) == 0)
        #expect(ActionURLTime.parse("2000-02-29T23-59-59", utcOffsetSeconds: 0) == 951_868_799)
        #expect(ActionURLTime.parse("9999-12-31T23-59-59", utcOffsetSeconds: 0) == 253_402_300_799)
        #expect(ActionURLTime.parse("1900-02-29T00-00-00", utcOffsetSeconds: 0) == nil)
        #expect(ActionURLTime.format(Self.created, utcOffsetSeconds: 0) == "2019-03-25T10-34-22")
        #expect(ActionURLTime.format(1_553_506_462, utcOffsetSeconds: 3_600) == "2019-03-25T10-34-22")
        #expect(ActionURLTime.format(0, utcOffsetSeconds: -3_600) == "1969-12-31T23-00-00")
    }

    @Test func timesRoundTrip() {
        var unix: Int64 = 0
        while unix < 253_402_300_799 {
            for offset in [0, 3_600, -28_800, 19_800] {
                let text = ActionURLTime.format(unix, utcOffsetSeconds: offset)
                if unix + Int64(offset) >= 0 {
                    #expect(ActionURLTime.parse(text, utcOffsetSeconds: offset) == unix, "\(unix) \(offset)")
                }
            }
            unix += 77_777_777 + 12_345   // ~3,300 instants, every time of day and month over 8,000 years
        }
    }

    // MARK: agent events and the Call

    @Test func inboundRingsTheAgent() throws {
        let event = try parse(Self.query()).get()
        let now = Self.created + 1
        var expected = Call(uniqueid: Self.guid, call_guid: Self.guid, id: ActionURLEvent.callID(guid: Self.guid), direction: .incoming, state: .ringing,
                            number: "+4930123456", caller_number: "+4930123456", called_number: "987",
                            created: Self.created, now: now, caller_type: .trunk)
        expected.caller_name = "Max Mustermann"
        expected.caller_number_norm = "+4930123456"
        expected.called_name = "Alice Nováková"
        expected.connected_number = "987"
        expected.connected_name = "Alice Nováková"
        expected.connected_internal = true
        expected.connected_type = .line
        expected.connected_username = "alice"
        expected.name = "Max Mustermann"
        expected.subcalls = 1
        expected.data = ["source": .string("actionURL")]
        #expect(event.call(agent: "alice", numbering: Plans.germany, now: now) == expected)
        var fresh = expected
        fresh.state = .new
        #expect(event.agentEvents(agent: "alice", numbering: Plans.germany, now: now) == [.callNew(fresh), .callRinging(expected)])
    }

    @Test func outboundToAnExtension() throws {
        let event = try parse("action=outbound&call_direction=outbound&local_party=987@example.com&call_guid=g-2&remote_party=2001&remote_alias=Bob").get()
        let call = event.call(agent: "alice", numbering: Plans.germany, now: 100)
        #expect(call.direction == .outgoing && call.state == .connecting)
        #expect(call.caller_number == "987" && call.caller_extension == "987" && call.caller_internal && call.caller_username == "alice")
        #expect(call.caller_name == nil)   // no local_alias given
        #expect(call.called_number == "2001" && call.called_name == "Bob" && call.called_number_norm == nil)
        #expect(call.connected_number == "2001" && call.connected_internal && call.connected_type == .line)
        #expect(call.caller_type == .line)
        #expect(call.created == 100 && call.connected == nil && call.cause == .notSet && call.subcalls == 0)
        #expect(event.agentEvents(agent: "alice", numbering: Plans.germany, now: 100) == [.callNew(call)])
    }

    @Test func connectHoldResumeHangup() throws {
        let plan = Plans.germany
        let connected = try parse(Self.query(action: "connected", connected: "2019-03-25T10-34-27")).get()
        let connect = connected.call(agent: "alice", numbering: plan, now: Self.connectedAt)
        #expect(connect.state == .connected && connect.connected == Self.connectedAt && connect.subcalls == 0)
        #expect(connected.agentEvents(agent: "alice", numbering: plan, now: Self.connectedAt) == [.callConnect(connect)])
        // The same call: same uniqueid and id in every event.
        #expect(connect.id == ActionURLEvent.callID(guid: Self.guid) && connect.uniqueid == Self.guid)

        let onHold = try parse(Self.query(action: "hold", hold: "on_hold", connected: "2019-03-25T10-34-27")).get()
        let held = onHold.call(agent: "alice", numbering: plan, now: Self.connectedAt + 2)
        #expect(held.state == .hold)
        #expect(onHold.agentEvents(agent: "alice", numbering: plan, now: Self.connectedAt + 2) == [.callHold(held)])
        let offHold = try parse(Self.query(action: "hold", hold: "off_hold")).get()
        let resumed = offHold.call(agent: "alice", numbering: plan, now: Self.connectedAt + 4)
        #expect(resumed.state == .connected && resumed.connected == Self.connectedAt + 4)   // no connected time given: now
        #expect(offHold.agentEvents(agent: "alice", numbering: plan, now: Self.connectedAt + 4) == [.callResume(resumed)])

        let ended = try parse(Self.query(action: "disconnected", duration: "7", connected: "2019-03-25T10-34-27",
                                         disconnected: "2019-03-25T10-34-34")).get()
        let hangup = ended.call(agent: "alice", numbering: plan, now: Self.disconnectedAt + 1)
        #expect(hangup.state == .hangup && hangup.cause == .unknown && hangup.disconnected == Self.disconnectedAt)
        #expect(hangup.data == ["source": .string("actionURL")])
        #expect(ended.agentEvents(agent: "alice", numbering: plan, now: Self.disconnectedAt + 1) == [.callHangup(hangup)])
    }

    @Test func missedCall() throws {
        let missed = try parse(Self.query(action: "disconnected")).get()
        let call = missed.call(agent: "alice", numbering: Plans.germany, now: Self.created + 20)
        #expect(call.connected == nil && call.disconnected == Self.created + 20)
        #expect(call.data == ["source": .string("actionURL"), "missed": .bool(true)])
    }

    @Test func withheldNumber() throws {
        let event = try parse("action=inbound&local_party=987&call_guid=g&remote_party=").get()
        let call = event.call(agent: nil, numbering: Plans.germany, now: 5)
        #expect(call.number == "" && call.caller_number_norm == nil && call.connected_username == nil)
        // The events encode as agent-protocol JSON.
        let bytes = AgentEvent.callRinging(call).encoded(seq: 3)
        #expect(String(decoding: bytes, as: UTF8.self).hasPrefix(#"{"event":"callRinging","seq":3,"data":{"call":{"#))
    }

    @Test func callIDsAreStableAndInRange() {
        #expect(ActionURLEvent.callID(guid: Self.guid) == ActionURLEvent.callID(guid: Self.guid))
        for index in 0..<2_000 {
            #expect((1...65_535).contains(ActionURLEvent.callID(guid: "guid-\(index)")))
        }
    }
}

private extension String {
    /// The query with its `remote_alias` value replaced (raw text).
    func replacingAlias(_ raw: String) -> String {
        guard let range = firstRange(of: "remote_alias=Max+Mustermann") else { return self }
        var copy = self
        copy.replaceSubrange(range, with: "remote_alias=" + raw)
        return copy
    }
}
