import ActionURLs
import ClickToCall

/// The engine's answer to an ask from outside a tab (`AskID`).
public enum DeliveryAnswer: Equatable, Sendable {
    /// A click-to-call: the call's uniqueid (the first call's, for a repeat), or why not.
    case clickToCall(Result<String, ClickToCallError>)
    /// A device Action URL: delivered (nil), or why not.
    case deviceEvent(ActionURLError?)
    /// A password over HTTP (the last-callers token page).
    case password(PasswordCheck)
}
