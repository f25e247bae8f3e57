#if canImport(Glibc)
import Glibc
#endif

/// errno as text, e.g. "Connection refused (errno 111)".
enum SystemErrno {
    static func describe(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return "\(String(cString: text)) (errno \(code))"
    }
}
