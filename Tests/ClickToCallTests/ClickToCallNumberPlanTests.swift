import Testing
@testable import ClickToCall
import TestSupport

/// `NumberPlan.classify`, rule by rule.
@Suite struct ClickToCallNumberPlanTests {
    @Test func internalExtensions() {
        #expect(Plans.czechia.classify("2001") == .success(.internalExtension("2001")))
        #expect(Plans.czechia.classify("2003") == .failure(.unknownExtension))
        #expect(Plans.czechia.classify("12") == .failure(.unknownExtension))
        // One digit is not an extension; with separators it is not "digits only".
        #expect(Plans.czechia.classify("7") == .failure(.numberNotDialable("too short for an outside number")))
        #expect(Plans.czechia.classify("20 01") == .failure(.numberNotDialable("too short for an outside number")))
        #expect(Plans.czechia.isExtension("2001"))
        #expect(!Plans.czechia.isExtension("+2001"))
        // A closure plan: the directory may change at run time.
        let plan = NumberPlan(defaultCountry: "420", isInternalExtension: { $0.hasPrefix("3") })!
        #expect(plan.classify("3999") == .success(.internalExtension("3999")))
        #expect(plan.classify("4999") == .failure(.unknownExtension))
    }

    @Test func nationalWithFixedLength() {
        #expect(Plans.czechia.classify("602 123 456") == .success(.external("+420602123456")))
        #expect(Plans.czechia.classify("420602123456") == .success(.external("+420602123456")))
        #expect(Plans.czechia.classify("0602123456") == .success(.external("+420602123456")))
        #expect(Plans.czechia.classify("60212345") == .failure(.numberNotDialable("a national number has 9 digits")))
        #expect(Plans.czechia.classify("6021234567") == .failure(.numberNotDialable("a national number has 9 digits")))
    }

    @Test func russianForms() {
        // the Oktell wiki's number (docs/compatibility.md §3.7), and the same with the trunk prefix 8, and nationally.
        for number in ["74952294989", "84952294989", "4952294989", "+7 495 229-49-89", "007 (495) 229 49 89"] {
            #expect(Plans.russia.classify(number) == .success(.external("+74952294989")), "\(number)")
        }
    }

    @Test func variableLengthCountry() {
        #expect(Plans.germany.classify("030 12345678") == .success(.external("+493012345678")))
        #expect(Plans.germany.classify("(089) 1234-567") == .success(.external("+49891234567")))
        #expect(Plans.germany.classify("+44 (0)20 7946 0958") == .success(.external("+442079460958")))
        #expect(Plans.germany.classify("0049 30 12345678") == .success(.external("+493012345678")))
        #expect(Plans.germany.classify("123456") == .failure(.unknownExtension))
        #expect(Plans.germany.classify("0123456") == .failure(.numberNotDialable("too short for an outside number")))
        let nanp = NumberPlan(defaultCountry: "1", trunkPrefix: "", nationalNumberDigits: 10)!
        #expect(nanp.classify("(212) 555-0100") == .success(.external("+12125550100")))
        #expect(nanp.classify("1 212 555 0100") == .success(.external("+12125550100")))
    }

    @Test func refusals() {
        #expect(Plans.germany.classify("") == .failure(.missingNumber(parameter: "number")))
        #expect(Plans.germany.classify(" \t") == .failure(.missingNumber(parameter: "number")))
        #expect(Plans.germany.classify("030 CALL ME") == .failure(.numberHasInvalidCharacters))
        #expect(Plans.germany.classify("0301234567#") == .failure(.numberHasInvalidCharacters))
        #expect(Plans.germany.classify(String(repeating: "1", count: 41)) == .failure(.numberTooLong))
        #expect(Plans.germany.classify(String(repeating: "1", count: 16)) == .failure(.numberTooLong))
        #expect(Plans.germany.classify("+0301234567") == .failure(.numberNotDialable("not an E.164 number")))
        #expect(Plans.germany.classify("+12345") == .failure(.numberNotDialable("not an E.164 number")))
        #expect(Plans.germany.classify("030+1234567") == .failure(.numberNotDialable("+ may only come first")))
        #expect(Plans.germany.classify("()-./") == .failure(.numberNotDialable("no digits")))
    }

    @Test func settingsAreChecked() {
        for country in ["", "0", "042", "4200", "4a"] { #expect(NumberPlan(defaultCountry: country) == nil, "\(country)") }
        #expect(NumberPlan(defaultCountry: "420", trunkPrefix: "810") == nil)
        #expect(NumberPlan(defaultCountry: "420", trunkPrefix: "x") == nil)
        #expect(NumberPlan(defaultCountry: "420", nationalNumberDigits: 3) == nil)
        #expect(NumberPlan(defaultCountry: "420", nationalNumberDigits: 14) == nil)
        #expect(NumberPlan(defaultCountry: "1", trunkPrefix: "", nationalNumberDigits: 10)?.defaultCountry == "1")
    }

    @Test func dialNumberParts() {
        #expect(DialNumber.internalExtension("2001").text == "2001")
        #expect(DialNumber.internalExtension("2001").direction == .pbx)
        #expect(DialNumber.external("+420602123456").text == "+420602123456")
        #expect(DialNumber.external("+420602123456").direction == .city)
    }
}
