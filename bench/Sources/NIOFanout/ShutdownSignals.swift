import Dispatch
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM and SIGINT close `serverChannel`, which lets `main` shut the event loops down and print
/// the totals. Kept out of main.swift so the handler is not inferred to run on the main actor.
enum ShutdownSignals {
    static func install(closing serverChannel: any Channel) -> [any DispatchSourceSignal] {
        let queue = DispatchQueue(label: "nio-fanout.signals")
        return [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable in serverChannel.close(promise: nil) }
            source.resume()
            return source
        }
    }
}
