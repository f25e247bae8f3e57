import Foundation
import Glibc

/// This gateway process among others (docs/cluster.md): `host:pid`, as the Switchboard service
/// (`X-Callgate-Instance`) and the other instances on a user's channel (`TabJoined`) know it.
enum InstanceName {
    static let current = "\(ProcessInfo.processInfo.hostName):\(getpid())"
}
