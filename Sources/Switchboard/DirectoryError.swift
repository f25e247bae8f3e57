/// Why a directory could not be read: where (`path`, e.g. `users[2].password`, `$` for the
/// whole document) and what is wrong there.
public struct DirectoryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
