/// One Contact value (RFC 3261 §20.10): `STAR / (contact-param *(COMMA contact-param))`, each
/// element a name-addr or addr-spec with parameters. The `*` of a REGISTER that removes every
/// binding (§10.2.2) has no address.
public enum SIPContact: Hashable, Sendable {
    case wildcard
    case address(SIPNameAddress)

    public init(parsing text: String) throws(SIPSyntaxError) {
        if text == "*" {
            self = .wildcard
        } else {
            self = .address(try SIPNameAddress(parsing: text))
        }
    }

    public var address: SIPNameAddress? {
        if case .address(let address) = self { return address }
        return nil
    }
}
