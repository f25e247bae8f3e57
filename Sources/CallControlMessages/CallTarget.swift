/// Where an inbound call placed through the admin API (`Switchboard.placeInboundCall`) goes.
public enum CallTarget: Sendable, Hashable {
    /// An incoming queue, by id: distributed to its members.
    case queue(Int)
    /// An internal extension: the signed-in agent whose paired phone has it, else the user whose
    /// `primary_extension` it is.
    case `extension`(Int)
    /// A user, by username, on whatever phone they have paired.
    case user(String)
}
