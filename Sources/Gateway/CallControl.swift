import CallControlMessages

/// The call-control back end as the agent hub asks it (docs/cluster.md §5): one request, one
/// answer (`CallControlRequest` → `CallControlAnswer`), and a stream of events, each for one user.
/// The embedded Switchboard is one implementation (`EmbeddedCallControl`); a back end reached
/// over the network is another, so nothing here is synchronous: every answer and event arrives
/// on the hub's loop, when the back end has it.
///
/// The contract, for every implementation:
/// - `perform` answers each request exactly once (`.failed` when the back end refused it or could
///   not be asked), on the hub's loop, later or before it returns.
/// - `onEvents` gets the back end's events in the order it made them, on the hub's loop. The
///   events an operation causes may come before or after its answer.
/// - Requests are carried out in the order they are performed, and answered in that order.
protocol CallControl: AnyObject {
    /// Where the events go; set by the hub before `start`.
    var onEvents: ([AddressedEvent]) -> Void { get set }

    /// Called once, on the hub's loop, before the first request: the embedded Switchboard starts
    /// its clock there; a remote back end would connect.
    func start(on loop: EventLoop)

    func perform(_ request: CallControlRequest, completion: @escaping (CallControlAnswer) -> Void)
}
