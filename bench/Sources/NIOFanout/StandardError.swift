#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to file descriptor 2 (Glibc's `stderr` global is not concurrency-safe in Swift 6).
func printError(_ line: String) {
    var text = line
    if !text.hasSuffix("\n") { text += "\n" }
    text.utf8CString.withUnsafeBufferPointer { bytes in
        var offset = 0
        let count = bytes.count - 1
        while offset < count {
            let n = write(2, bytes.baseAddress! + offset, count - offset)
            if n <= 0 { return }
            offset += n
        }
    }
}
