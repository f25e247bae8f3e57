import Testing
@testable import AgentProtocol

/// `E164.normalize`, rule by rule (docs/agent-protocol.md, "Numbers").
@Suite struct AgentE164Tests {
    private func norm(_ number: String, _ country: String = "420") -> String? {
        E164.normalize(number, defaultCountry: country)
    }

    @Test func international() {
        #expect(norm("+420 602 123 456") == "+420602123456")
        #expect(norm("00420602123456") == "+420602123456")
        #expect(norm("00 420 602-123-456") == "+420602123456")
        #expect(norm("+1 (212) 555-0100") == "+12125550100")
        #expect(norm("+44 (0)20 7946 0958") == "+442079460958")
        #expect(norm("0044 (0) 20 7946 0958") == "+442079460958")
        #expect(norm("+420\u{A0}602\t123.456/") == "+420602123456")
        #expect(norm("+683 4002") == "+6834002")              // Niue: 7 digits, the shortest
        #expect(norm("+123456789012345") == "+123456789012345") // 15 digits, the longest
    }

    @Test func national() {
        #expect(norm("602 123 456") == "+420602123456")
        #expect(norm("0800123456") == "+420800123456")
        #expect(norm("(602) 123-456") == "+420602123456")
        #expect(norm("020 7946 0958", "44") == "+442079460958")
        #expect(norm("2125550100", "1") == "+12125550100")
        // Only the national number's own (0) is a trunk prefix: "(0)" is removed only in international form.
        #expect(norm("(0)602123456") == "+420602123456")
    }

    @Test func refused() {
        for bad in ["", " ", "+", "00", "0", "-()", "0800 CALL ME", "602123456x", "*21#", "602,123", "602;ext=1",
                    "+420 602 123 456 7890",  // 16 digits
                    "+0420602123456",          // country code 0
                    "000420602123456",          // 00 then 0
                    "420+602123456", "++420602123456", "+42060212345+",
                    "+12345",                   // 5 digits
                    "٠٦٠٢١٢٣٤٥٦",               // Arabic-Indic digits
                    "６０２１２３４５６"] {          // fullwidth digits
            #expect(norm(bad) == nil, "\(bad)")
        }
        // 15 digits with the default country code is the limit.
        #expect(norm("602123456789") == "+420602123456789")
        #expect(norm("6021234567890") == nil)
        // A bad default country: national numbers give nil, international ones still work.
        for country in ["", "0", "042", "4200", "+420", "4a"] {
            #expect(norm("602123456", country) == nil, "\(country)")
            #expect(norm("+420602123456", country) == "+420602123456", "\(country)")
        }
    }
}
