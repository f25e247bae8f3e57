import AgentDelivery
import AgentProtocol
import WSFraming

/// What the hub does with the engine's actions (docs/style.md §2: the engine decides, the hub
/// performs): each in the order given, on the hub's loop.
extension AgentHub {
    func perform(_ actions: [DeliveryAction]) {
        for action in actions {
            switch action {
            case .send(let bytes, let tabs):
                deliver(bytes, to: tabs.compactMap { links[$0] })
            case .reply(let tab, let reply):
                guard let link = links[tab] else { continue }
                let bytes = reply.encoded()
                loop.post(to: link.loop) { link.reply(bytes) }
            case .loggedIn(let tab, let id, let user, let provider):
                guard let link = links[tab] else { continue }
                let (token, expires) = authenticator.issueSessionToken(user: user, provider: provider)
                let bytes = AgentReply.loggedIn(id: id, user: user, token: token, expires: expires).encoded()
                loop.post(to: link.loop) {
                    link.authenticated(until: expires)
                    link.reply(bytes)
                }
            case .authenticated(let tab, let expires):
                guard let link = links[tab] else { continue }
                loop.post(to: link.loop) { link.authenticated(until: expires) }
            case .close(let tab, let code, let reason):
                guard let link = links[tab] else { continue }
                loop.post(to: link.loop) { link.close(ClosePayload(code: code, reason: reason)) }
            case .callControl(let request, let ticket):
                callControl.perform(request) { [self] answer in
                    if let ticket { handle(.callControlAnswered(ticket, answer)) }
                }
            case .checkPassword(let ticket, let username, let password):
                checkPassword(ticket, username: username, password: password)
            case .verify(let ticket, let credential, let address):
                verifyOnce(ticket, credential, address: address)
            case .answer(let ask, let answer):
                asks.removeValue(forKey: ask)?(answer)
            case .publish(let values):
                actionURLs.publish(values)
            case .count(let channel, let event):
                loop.metrics.routeEvent(channel, event)
            case .log(let line):
                Log.info(line.event, line.fields.map { ($0.key, $0.value) })
            case .append(let user, let event, let ticket, let number):
                guard let shared else { continue }
                shared.engine.append(user: user, event: event, number: number, publishTo: shared.settings.channel(user: user)) { [self] result in
                    if let ticket { handle(.streamAppended(ticket, result.shared)) }
                }
            case .readStream(let user, let position, let ticket):
                guard let shared else { continue }
                shared.engine.read(user: user, after: position) { [self] result in
                    handle(.streamRead(ticket, result.shared))
                }
            case .follow(let user):
                shared?.follow(user)
            case .unfollow(let user):
                shared?.unfollow(user)
            case .claim(let key, let ttl, let ticket):
                guard let shared else { continue }
                shared.engine.claimOrRead(key, ttlMilliseconds: ttl) { [self] result in
                    handle(.claimed(ticket, result.shared))
                }
            case .settle(let key, let value, let ttl):
                shared?.engine.settle(key, value: value, ttlMilliseconds: ttl)
            case .release(let key):
                shared?.engine.release(key)
            case .countAttempt(let user, let address, let ticket):
                guard let shared else { continue }
                let delivery = settings.delivery
                shared.engine.countAttempt(user: user, address: address,
                                           limits: (delivery.loginMaxFailures, delivery.loginAddressMaxFailures),
                                           windowMilliseconds: delivery.loginFailureWindowSeconds * 1_000) { [self] result in
                    handle(.attemptCounted(ticket, result.shared))
                }
            case .forgetAttempt(let user, let address):
                shared?.engine.forgetAttempt(user: user, address: address)
            case .publishAck(let user, let seq):
                shared?.publish(user: user, UserChannelMessage.ackBytes(seq: seq))
            case .publishResend(let user, let seq):
                shared?.publish(user: user, UserChannelMessage.resendBytes(seq: seq))
            case .publishJoin(let user, let joined):
                shared?.publish(user: user, joined.bytes)
            case .publishPresence(let user, let presence):
                shared?.publish(user: user, presence.bytes)
            case .publishHeartbeat:
                shared?.publishHeartbeat()
            case .recordLastCaller(let number, let caller):
                shared?.engine.recordLastCaller(number: number, caller: caller) { [self] result in
                    if case .failure(let error) = result { lastCallersUnshared(error) }
                }
            case .lookUpLastCallers(let number, let ticket):
                guard let shared else { continue }
                shared.engine.lastCallers(number: number) { [self] result in
                    handle(.lastCallersFound(ticket, result.shared))
                }
            }
        }
    }

    /// One closure per loop, whatever the number of tabs, posted with the iteration's other
    /// deliveries to that loop (`EventLoop.post`): a fan-out to thousands of tabs costs a few
    /// wake-ups, not one per tab, and one write per tab for all the events of the iteration.
    private func deliver(_ bytes: [UInt8], to links: [AgentLink]) {
        if links.count == 1 {
            let link = links[0]
            loop.post(to: link.loop) { link.push(bytes) }
            return
        }
        var byLoop: [ObjectIdentifier: [AgentLink]] = [:]
        for link in links { byLoop[ObjectIdentifier(link.loop), default: []].append(link) }
        for group in byLoop.values {
            loop.post(to: group[0].loop) { for link in group { link.push(bytes) } }
        }
    }
}
