import AgentDelivery
import Foundation
import Routes
import ClickToCall
import SIPEdge
import AuthSchemes
import ProxyProtocol
import SIP
import Switchboard
import Synchronization
import HTTP1
import WSFraming

/// What every connection of every loop shares: settings, the connection caps, and the state of
/// the process (draining or not). Immutable apart from the atomics and locks inside.
final class ServerContext: Sendable {
    let config: GatewayConfig
    let limits: Limits
    let httpLimits: HTTPLimits
    let webSocketLimits: WebSocketLimits
    let echoPaths: Set<String>
    let limiter: ConnectionLimiter
    /// `proxy.trustedProxies`: the peers whose PROXY headers and forwarded fields are believed.
    let trustedProxies: TrustedProxies
    /// Verifies the credentials of the authentication gate.
    let authenticator: Authenticator
    /// The upstream back ends by channel, resolved at start.
    let upstreams: [String: UpstreamTarget]
    /// Agent sessions on `/ws`, over the call-control back end (the embedded Switchboard).
    let agentHub: AgentHub
    /// The SIP identity of each directory user who has one, for `sip` routes (docs/directory.md).
    let sipIdentities: [String: SIPIdentity]
    /// Numbers as click-to-call, popup links and Action URLs read them.
    let numbering: NumberPlan
    /// Signs and checks the last-callers widget's tokens (`lastCallers.tokenSecret`).
    let widgetTokens: SessionTokenSigner
    /// Vodia popup links already used, until they expire: single use where the popup has no
    /// `sip` route to call through (docs/click-to-call.md §3).
    let vodiaLinks = Mutex(VodiaReplayGuard())
    /// The links a popup's web phone session holds: one live session per link (docs/click-to-call.md §3.1).
    let popupLinks = Mutex(VodiaLinkLeases())
    /// When the process started, Unix seconds (the status page's uptime).
    let startedAt = Int64(time(nil))
    /// The folder of static files and its cache, shared by the loops.
    let staticFiles: StaticFiles
    /// Each loop's mux pools, indexed by loop; set once before the loops start.
    nonisolated(unsafe) var muxPools: [MuxPools] = []
    /// Set on SIGTERM/SIGINT: readiness fails and new upgrades are refused with 503.
    let draining = Atomic<Bool>(false)
    /// Every loop's metrics, for `/metrics`; set once before the loops start.
    nonisolated(unsafe) var loopMetrics: [LoopMetrics] = []
    /// The first TLS listener's port, for `tls.redirectHTTP`; set once before the loops start.
    nonisolated(unsafe) var redirectPort: UInt16?
    /// `callgate switchboard`: the Switchboard served to gateways (then nothing else is served);
    /// set once before the loops start.
    nonisolated(unsafe) var callControlService: CallControlService?
    /// The Switchboard's directory, for the service.
    let directory: Directory

    init(config: GatewayConfig) throws {
        self.config = config
        limits = config.limits
        httpLimits = config.limits.http
        webSocketLimits = config.limits.webSocket
        echoPaths = Set(config.echoPaths)
        limiter = ConnectionLimiter(maxConnections: config.limits.maxConnections,
                                    maxPerAddress: config.limits.maxConnectionsPerAddress,
                                    probeAddresses: config.limits.probeAddresses,
                                    probeConnections: config.limits.probeConnections)
        trustedProxies = config.proxy.trustedProxies
        authenticator = try Authenticator(settings: config.auth, stateDirectory: config.stateDirectory)
        upstreams = try UpstreamTarget.all(config)
        let directory = try Self.directory(config.agents)
        sipIdentities = directory.sipIdentities
        let extensions = directory.internalExtensions
        numbering = try config.clickToCall.numberPlan(directoryCountry: directory.settings.defaultCountry,
                                                      isExtension: { extensions.contains($0) })
        let widgetKey = try config.lastCallers.tokenSecret ?? Authenticator.stateSecret(in: config.stateDirectory, name: "widget-secret")
        widgetTokens = SessionTokenSigner(key: widgetKey)!
        self.directory = directory
        let callControl: CallControl
        do {
            callControl = config.callControl.backend == .remote
                ? try RemoteCallControl(settings: config.callControl) : EmbeddedCallControl(directory: directory)
        } catch {
            throw GatewayConfig.Error(key: "callControl.url", problem: "\(error)")
        }
        let actionURLs: ActionURLDispatcher
        do {
            actionURLs = try ActionURLDispatcher(settings: config.actionURLs, state: config.state)
        } catch {
            throw GatewayConfig.Error(key: "state.redis", problem: "\(error)")
        }
        agentHub = try AgentHub(settings: config.agents, directory: directory, callControl: callControl,
                            authenticator: authenticator, numbering: numbering, clickToCall: config.clickToCall,
                            lastCallers: config.lastCallers, actionURLs: actionURLs, state: config.state)
        staticFiles = StaticFiles(settings: config.staticFiles, currentDirectory: StaticFiles.currentDirectory())
        (callControl as? RemoteCallControl)?.context = self
    }

    /// `agents.directory`, or the sample directory.
    private static func directory(_ settings: AgentSettings) throws -> Directory {
        guard let path = settings.directoryFile else { return Directory.sample }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GatewayConfig.Error(key: "agents.directory", problem: "cannot read \(path)")
        }
        do {
            return try Directory.parse(text: text)
        } catch {
            throw GatewayConfig.Error(key: "agents.directory", problem: "\(path): \(error)")
        }
    }

    /// The back-end side for a newly admitted session, by its route's back end and mode.
    func makeLink(for session: RouteSession) -> BackendLink {
        switch session.route.backend {
        case .embedded:
            return EmbeddedServices.service(for: session.route)!(session)
        case .upstream:
            let target = upstreams[session.route.channel]!
            switch session.route.mode {
            case .pipe: return PipeLink(session: session, target: target)
            case .sip:
                // The upgrade admitted the session only with a credential and a SIP identity.
                guard let user = session.identity?.user, let identity = sipIdentities[user] else {
                    preconditionFailure("a sip session without a SIP identity is refused at the upgrade")
                }
                let popup = session.request.popup
                let restriction = popup.map { SIPCallRestriction(session: $0.session, numbering: numbering) }
                let link = SIPLink(session: session, target: target, lease: popup?.lease,
                                   gate: SIPGate(user: user, identity: identity, limits: config.sip.limits, restriction: restriction))
                link.callEvents = { [agentHub] user, events in
                    agentHub.loop.execute { agentHub.handle(.edgeCallEvents(user: user, events)) }
                }
                return link
            case .mux: return muxPools[session.loop.index].link(for: session, target: target)
            }
        case nil:
            preconditionFailure("a route without a back end is refused at the upgrade")
        }
    }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Why `/readyz` answers 503 (nil: ready): draining, a remote call-control back end that
    /// cannot be asked, or the shared engine (Redis) unreachable.
    var readinessProblem: String? {
        if isDraining { return "draining" }
        if let reason = (agentHub.callControl as? RemoteCallControl)?.unavailableReason {
            return "call-control back end unavailable: \(reason)"
        }
        return agentHub.shared?.notReady.withLock { $0 }
    }

    /// The route a browser phone registers through (the first `sip` route with a back end), and
    /// `user`'s SIP identity on it; nil when there is no such route or the user has no identity.
    func webPhone(of user: String) -> (route: Route, identity: SIPIdentity)? {
        guard let route = config.routes.routes.first(where: { $0.mode == .sip && $0.backend != nil }),
              let identity = sipIdentities[user] else { return nil }
        return (route, identity)
    }
}
