/// Where a click-to-call goes, in Oktell's words (docs/compatibility.md §3.3 `direction`); the raw values are the
/// wire spelling.
public enum DialDirection: String, CaseIterable, Hashable, Sendable {
    /// Inside the PBX: the number is an internal extension ("звонок внутрь").
    case pbx
    /// Outside: the number is an external one, in E.164 ("звонок вовне").
    case city
}
