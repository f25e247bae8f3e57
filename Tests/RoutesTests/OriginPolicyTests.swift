import Testing
@testable import Routes

/// RFC 6455 §10.2 and RFC 6454: which origins may open a channel.
@Suite struct OriginPolicyTests {
    @Test func absentOriginIsNotABrowserAndPasses() {
        #expect(OriginPolicy.sameOrigin.allows(origin: nil, host: "gw.example.com"))
        #expect(OriginPolicy.list([], includingSameOrigin: false).allows(origin: nil, host: nil))
    }

    @Test func sameOriginComparesHostAndEffectivePort() {
        let policy = OriginPolicy.sameOrigin
        #expect(policy.allows(origin: "https://gw.example.com", host: "gw.example.com"))
        #expect(policy.allows(origin: "https://GW.example.com", host: "gw.example.com:443"))
        #expect(policy.allows(origin: "http://127.0.0.1:8080", host: "127.0.0.1:8080"))
        #expect(policy.allows(origin: "http://[::1]:8080", host: "[::1]:8080"))
        #expect(!policy.allows(origin: "https://evil.example", host: "gw.example.com"))
        #expect(!policy.allows(origin: "http://127.0.0.1:9999", host: "127.0.0.1:8080"))
        #expect(!policy.allows(origin: "null", host: "gw.example.com"))
        #expect(!policy.allows(origin: "https://gw.example.com", host: nil))
    }

    @Test func listMatchesExactSerializedOrigins() {
        let policy = OriginPolicy.list(["https://crm.example.com"], includingSameOrigin: false)
        #expect(policy.allows(origin: "https://CRM.example.com", host: "gw"))
        #expect(!policy.allows(origin: "https://crm.example.com.evil.example", host: "gw"))
        #expect(!policy.allows(origin: "http://crm.example.com", host: "gw"))
        #expect(!policy.allows(origin: "http://gw", host: "gw"))
        let withSelf = OriginPolicy.list(["https://crm.example.com"], includingSameOrigin: true)
        #expect(withSelf.allows(origin: "http://gw", host: "gw"))
    }

    @Test func anyAllowsEverything() {
        #expect(OriginPolicy.any.allows(origin: "https://evil.example", host: "gw"))
    }
}
