import Glibc
import CLinux

/// A pthread running a closure (Foundation's Thread is not needed for this).
enum Thread {
    private final class Box: @unchecked Sendable {
        let body: () -> Void
        let name: String
        init(_ body: @escaping () -> Void, name: String) { self.body = body; self.name = name }
    }

    static func spawn(name: String, _ body: @escaping @Sendable () -> Void) -> pthread_t {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body, name: name)).toOpaque()
        let result = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            pthread_setname_np(pthread_self(), String(box.name.prefix(15)))
            box.body()
            return nil
        }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
        return thread
    }
}
