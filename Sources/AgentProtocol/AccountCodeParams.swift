/// `setAccountCode(uniqueid, accountCode, subAccountCode, override)` (docs/compatibility.md §1.4): the reason
/// code of a call.
public struct AccountCodeParams: Hashable, Sendable {
    /// The call's `uniqueid` (non-empty).
    public var uniqueid: String
    /// Non-empty.
    public var accountCode: String
    /// The second level; nil by default.
    public var subAccountCode: String?
    /// true: replace the call's codes; false (default): add to them.
    public var override: Bool

    public init(uniqueid: String, accountCode: String, subAccountCode: String? = nil, override: Bool = false) {
        self.uniqueid = uniqueid
        self.accountCode = accountCode
        self.subAccountCode = subAccountCode
        self.override = override
    }
}
