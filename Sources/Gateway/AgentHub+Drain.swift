import AgentDelivery
import Routes

/// Drain on SIGTERM for the agent tabs (docs/deploy.md §5): the hub knows which tabs' users have
/// a live call (`DeliveryEngine.hasLiveCall`), so it runs the tabs' `Drain` itself, at once and
/// then at each tick, and closes the tabs on their loops.
extension AgentHub {
    /// Starts the drain of every tab (on the hub's loop).
    func startDrain(_ drain: Drain<TabID>) {
        self.drain = drain
        reviewDrain()
    }

    /// Tells the tabs without a live call to reconnect, keeps the others, closes all at the deadline.
    func reviewDrain() {
        guard var drain else { return }
        var random = SystemRandomNumberGenerator()
        let actions = drain.review(links.keys.map { ($0, engine.hasLiveCall($0)) }, now: loop.now, using: &random)
        self.drain = drain
        DrainReport(place: "agents", metrics: loop.metrics).perform(actions) { tab, payload in
            guard let link = links[tab] else { return }
            loop.post(to: link.loop) { link.close(payload) }
        }
    }
}
