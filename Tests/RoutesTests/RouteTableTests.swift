import Testing
@testable import Routes

@Suite struct RouteTableTests {
    @Test func defaultsAreTheFiveUCSChannelsWithTheEmbeddedSwitchboardOnWsAndReport() {
        let table = RouteTable.defaults
        #expect(table.routes.map(\.channel) == ["ws", "recording", "report", "email", "template"])
        #expect(table.route(forPath: "/recording")?.channel == "recording")
        #expect(table.route(forPath: "/recording/")?.channel == nil)
        #expect(table.route(forChannel: "ws")?.backend == .embedded(""))
        #expect(table.route(forChannel: "report")?.backend == .embedded(""))
        #expect(table.routes.filter { !["ws", "report"].contains($0.channel) }.allSatisfy { $0.backend == nil })
        #expect(table.route(forChannel: "report")?.authentication == .required)
        #expect(table.route(forChannel: "ws")?.authentication == Route.Authentication.none)
        #expect(table.route(forChannel: "email")?.authentication == .required)
    }

    @Test func setReplacesOrAddsAChannel() {
        var table = RouteTable.defaults
        table.set(Route(channel: "report", path: "/reports", backend: .upstream("ws://127.0.0.1:9/")))
        table.set(Route(channel: "chat", path: "/chat", backend: .embedded("echo")))
        #expect(table.route(forPath: "/report") == nil)
        #expect(table.route(forPath: "/reports")?.backend == .upstream("ws://127.0.0.1:9/"))
        #expect(table.route(forPath: "/chat")?.backend == .embedded("echo"))
        #expect(table.routes.count == 6)
        #expect(table.problems().isEmpty)
    }

    @Test func duplicateAndMalformedPathsAreProblems() {
        let table = RouteTable([
            Route(channel: "a", path: "/x"),
            Route(channel: "b", path: "/x"),
            Route(channel: "c", path: "y"),
        ])
        let problems = table.problems()
        #expect(problems.map(\.channel) == ["b", "c"])
        #expect(table.route(forPath: "/x")?.channel == "a")
    }
}
