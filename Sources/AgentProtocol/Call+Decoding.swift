import JSON

extension Call {
    /// Reads a Call object as `JSONWriter.call` writes it (docs/agent-protocol.md §6.1), for the
    /// call-control protocol (docs/backend-protocol.md §12). `uniqueid`, `direction`, `state`,
    /// `number`, `created` and `now` are required; a back end may leave out the rest, which take
    /// the values of a call as first seen (`call_guid` the `uniqueid`, `cause` -1, numbers `""`,
    /// flags false, `caller_type` `line`, the others null or empty).
    public init(json value: JSONValue, path: String) throws(JSONFieldError) {
        let fields = try JSONFields(value, path: path)
        let uniqueid = try fields.string("uniqueid")
        self.init(uniqueid: uniqueid, call_guid: try fields.string("call_guid", default: uniqueid),
                  id: try fields.int("id", default: 0), direction: try fields.enumeration("direction", CallDirection.self),
                  state: try fields.enumeration("state", CallState.self), number: try fields.string("number"),
                  caller_number: try fields.string("caller_number", default: ""),
                  called_number: try fields.string("called_number", default: ""),
                  created: try fields.int64("created"), now: try fields.int64("now"),
                  caller_type: try fields.enumeration("caller_type", ChannelType.self, default: .line))
        called_name = try fields.optionalString("called_name")
        called_number_norm = try fields.optionalString("called_number_norm")
        caller_channel = try fields.optionalString("caller_channel")
        caller_extension = try fields.optionalString("caller_extension")
        caller_group_id = try fields.optionalInt("caller_group_id")
        caller_internal = try fields.bool("caller_internal", default: false)
        caller_line_id = try fields.optionalInt("caller_line_id")
        caller_muted = try fields.bool("caller_muted", default: false)
        caller_name = try fields.optionalString("caller_name")
        caller_number_norm = try fields.optionalString("caller_number_norm")
        caller_user_id = try fields.optionalInt("caller_user_id")
        caller_username = try fields.optionalString("caller_username")
        cause = try fields.enumeration("cause", HangupCause.self, default: .notSet)
        connected = try fields.optionalInt64("connected")
        connected_channel = try fields.optionalString("connected_channel")
        connected_group_id = try fields.optionalInt("connected_group_id")
        connected_internal = try fields.bool("connected_internal", default: false)
        connected_line_id = try fields.optionalInt("connected_line_id")
        connected_muted = try fields.bool("connected_muted", default: false)
        connected_name = try fields.optionalString("connected_name")
        connected_number = try fields.optionalString("connected_number")
        connected_number_norm = try fields.optionalString("connected_number_norm")
        connected_type = fields.has("connected_type") ? try fields.enumeration("connected_type", ChannelType.self) : nil
        connected_user_id = try fields.optionalInt("connected_user_id")
        connected_username = try fields.optionalString("connected_username")
        data = try fields.object("data", default: [:])
        disconnected = try fields.optionalInt64("disconnected")
        external_id = try fields.optionalString("external_id")
        name = try fields.optionalString("name")
        outbound_id = try fields.optionalInt("outbound_id")
        recorded = try fields.bool("recorded", default: false)
        subcalls = try fields.int("subcalls", default: 0)
    }
}
