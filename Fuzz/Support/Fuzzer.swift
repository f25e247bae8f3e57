internal import CLibFuzzer
import Glibc

/// Runs a fuzz target under libFuzzer. Each target's `main` calls `Fuzzer.run` with its test
/// function; libFuzzer then reads its usual command line (`-runs=`, corpus folders, a crash file
/// to reproduce, …), as the `main` it ships would (docs/fuzzing.md).
public enum Fuzzer {
    nonisolated(unsafe) private static var test: ((UnsafeRawBufferPointer) -> Void)?

    /// Hands control to libFuzzer, which calls `test` once per input and exits.
    public static func run(_ test: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
        Fuzzer.test = test
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            Fuzzer.test!(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }
        exit(status)
    }
}
