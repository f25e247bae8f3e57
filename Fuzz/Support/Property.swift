/// Stops the fuzz target when a property does not hold: libFuzzer sees the trap as a crash,
/// saves the input as `crash-…` and prints this message with the stack.
///
/// Use it for what must be true of every input (a parser's answer does not depend on how the
/// input was split, what Callgate writes its own parser reads back, …), not for what the input
/// happens to contain.
@inline(never)
public func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    guard !condition() else { return }
    fatalError("property violated: \(message())", file: file, line: line)
}

/// `require(a == b)` that prints both values.
@inline(never)
public func requireEqual<T: Equatable>(
    _ a: T, _ b: T, _ message: @autoclosure () -> String, file: StaticString = #fileID, line: UInt = #line
) {
    guard a != b else { return }
    fatalError("property violated: \(message())\n  left:  \(a)\n  right: \(b)", file: file, line: line)
}
