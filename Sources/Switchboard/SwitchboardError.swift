import CallControlMessages

/// The embedded Switchboard's refusals: `CallControlError`s with the codes listed here
/// (docs/agent-protocol.md §3 points here).
public typealias SwitchboardError = CallControlError

extension CallControlError {
    // 400: bad input
    static let invalidNumber = SwitchboardError(code: "invalidNumber", text: "The number has no digits or contains characters a phone number cannot have.", httpStatus: 400)
    static let unknownReason = SwitchboardError(code: "unknownReason", text: "The AUX reason is not one of the directory's auxReasons.", httpStatus: 400)
    static let notOutgoingQueue = SwitchboardError(code: "notOutgoingQueue", text: "Calls can only be dialled under an outgoing queue.", httpStatus: 400)
    static let notIncomingQueue = SwitchboardError(code: "notIncomingQueue", text: "Inbound calls can only be placed into an incoming queue.", httpStatus: 400)
    static let unsupportedCommand = SwitchboardError(code: "unsupportedCommand", text: "The command is handled by the gateway, not the switchboard.", httpStatus: 400)
    // 404: unknown things
    static let unknownUser = SwitchboardError(code: "unknownUser", text: "No such user in the directory.", httpStatus: 404)
    static let unknownQueue = SwitchboardError(code: "unknownQueue", text: "No such queue in the directory.", httpStatus: 404)
    static let unknownIdentifier = SwitchboardError(code: "unknownIdentifier", text: "No phone has this identifier.", httpStatus: 404)
    static let unknownCall = SwitchboardError(code: "unknownCall", text: "No such call.", httpStatus: 404)
    static let unknownExtension = SwitchboardError(code: "unknownExtension", text: "No phone or user has this extension.", httpStatus: 404)
    // 409: wrong state
    static let accountDisabled = SwitchboardError(code: "accountDisabled", text: "The account is disabled.", httpStatus: 409)
    static let notSignedIn = SwitchboardError(code: "notSignedIn", text: "The user is not signed in.", httpStatus: 409)
    static let notQueueMember = SwitchboardError(code: "notQueueMember", text: "The agent is not a member of this queue.", httpStatus: 409)
    static let deviceInUse = SwitchboardError(code: "deviceInUse", text: "Another signed-in user has this phone paired.", httpStatus: 409)
    static let deviceNotAllowed = SwitchboardError(code: "deviceNotAllowed", text: "This phone belongs to another user.", httpStatus: 409)
    static let noDevice = SwitchboardError(code: "noDevice", text: "No phone is paired; select an identifier first.", httpStatus: 409)
    static let noActiveCall = SwitchboardError(code: "noActiveCall", text: "The agent has no call.", httpStatus: 409)
    static let callInProgress = SwitchboardError(code: "callInProgress", text: "The agent already has a call.", httpStatus: 409)
    static let notRinging = SwitchboardError(code: "notRinging", text: "No call is ringing for the agent.", httpStatus: 409)
    static let notConnected = SwitchboardError(code: "notConnected", text: "The call is not connected.", httpStatus: 409)
    static let notOnHold = SwitchboardError(code: "notOnHold", text: "The call is not on hold.", httpStatus: 409)
    static let transferInProgress = SwitchboardError(code: "transferInProgress", text: "A transfer is already in progress.", httpStatus: 409)
    static let noTransfer = SwitchboardError(code: "noTransfer", text: "No consultation call to finish the transfer with.", httpStatus: 409)
    static let agentUnavailable = SwitchboardError(code: "agentUnavailable", text: "The agent cannot take the call now.", httpStatus: 409)
    static let notExternal = SwitchboardError(code: "notExternal", text: "The call has no external party.", httpStatus: 409)
}
