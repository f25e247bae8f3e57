import ClickToCall

extension NumberPlan {
    /// The plans the click-to-call targets read numbers with, chosen by a byte: Czechia (9-digit
    /// national numbers, trunk prefix 0) or Russia (10 digits, trunk prefix 8, docs/compatibility.md §3.3), both
    /// with the extensions 42, 100 and 2001.
    public static func fuzzed(_ byte: UInt8) -> NumberPlan {
        let extensions: Set<String> = ["42", "100", "2001"]
        return byte & 1 == 0
            ? NumberPlan(defaultCountry: "420", trunkPrefix: "0", nationalNumberDigits: 9, internalExtensions: extensions)!
            : NumberPlan(defaultCountry: "7", trunkPrefix: "8", nationalNumberDigits: 10, internalExtensions: extensions)!
    }

    /// A classified number is an extension the plan knows, or `+` and 7–15 digits not starting
    /// with 0 (E.164), and classifying its text again gives the same.
    public func requireClassified(_ number: DialNumber, _ what: @autoclosure () -> String) {
        switch number {
        case .internalExtension(let digits):
            require(isExtension(digits), "\(what()): \(digits) is not an extension of the plan")
        case .external(let e164):
            let digits = e164.utf8.dropFirst()
            require(e164.utf8.first == UInt8(ascii: "+") && (7...15).contains(digits.count)
                    && digits.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } && digits.first != 0x30, "\(what()): \(e164) is not E.164")
        }
        requireEqual(classify(number.text), .success(number), "\(what()): \(number.text) classified again")
    }
}
