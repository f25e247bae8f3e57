/// A Vodia popup link whose credentials `VodiaLinkVerifier.verify` accepted.
public struct VerifiedVodiaLink: Hashable, Sendable {
    /// The link's `user`, as given (the gateway maps it to a user of the directory).
    public let user: String
    /// `destnumber` as covered by the hash: the only number the link authorises.
    public let destination: String
    /// The link's `time`, Unix seconds.
    public let time: Int64
    /// The last second the link is valid: `time + duration`.
    public let expires: Int64
    /// The 16-byte MD5 from `pass`: the link's identity for `VodiaReplayGuard`.
    public let digest: [UInt8]
    public let lang: String?

    /// `destination` read with the number plan (`NumberPlan.classify`): what the popup dials.
    public func number(numbering: NumberPlan) -> Result<DialNumber, ClickToCallError> {
        numbering.classify(destination).mapError { error in
            error == .missingNumber(parameter: "number") ? .missingNumber(parameter: "destnumber") : error
        }
    }
}
