import SIPMessage

/// The server side: matching requests (RFC 3261 §17.2.3), ACK and CANCEL handling (§9.2).
extension TransactionLayer {
    func receiveRequest(_ request: SIPMessage, method: SIPMethod, from flow: TransportFlow, now: SIPInstant,
                        into out: inout [TransactionOutput]) {
        // A request without a usable Via (or fallback fields) cannot be answered: drop it.
        guard let key = ServerKey.of(request, method: method) else {
            discard()
            return
        }
        switch method {
        case .ack:
            receiveAck(request, key: key, from: flow, now: now, into: &out)
        case .cancel:
            receiveCancel(request, key: key, from: flow, now: now, into: &out)
        default:
            if let id = serverIndex[key] {
                if isRetransmission(request, method: method, of: id, key: key) {
                    // RFC 3261 §17.2.3: a retransmission goes to its transaction, not the TU.
                    if id.isInvite {
                        run(&inviteServers, .inviteServer, id.ref, .retransmission, subject: nil, now: now, into: &out)
                    } else {
                        run(&nonInviteServers, .nonInviteServer, id.ref, .retransmission, subject: nil, now: now, into: &out)
                    }
                    return
                }
                // Same key, different request (another method on a reused branch, another
                // To tag under RFC 2543): a transaction of its own, matched by nothing.
                startServer(request, method: method, key: nil, from: flow, hidden: false, now: now, into: &out)
                return
            }
            startServer(request, method: method, key: key, from: flow, hidden: false, now: now, into: &out)
        }
    }

    /// Whether `request` is a retransmission of the request that created `id` (found by key).
    private func isRetransmission(_ request: SIPMessage, method: SIPMethod, of id: ServerTransactionID, key: ServerKey) -> Bool {
        if id.isInvite {
            guard method == .invite, let record = inviteServers.record(id.ref) else { return false }
            return !key.isRFC2543 || record.requestToTag == request.toTag
        }
        guard let record = nonInviteServers.record(id.ref), record.machine.method == method else { return false }
        return !key.isRFC2543 || record.requestToTag == request.toTag
    }

    /// A new server transaction for `request` (§17.2.1, §17.2.2), indexed under `key` if given.
    @discardableResult
    func startServer(_ request: SIPMessage, method: SIPMethod, key: ServerKey?, from flow: TransportFlow, hidden: Bool,
                     now: SIPInstant, into out: inout [TransactionOutput]) -> ServerTransactionID {
        let reliable = flow.transport.isReliable
        let legacyToTag = key?.isRFC2543 == true ? request.toTag : nil
        if method == .invite {
            var record = TransactionRecord(machine: InviteServerTransaction(request: request, reliable: reliable, timers: sharedTimers),
                                           flow: flow, hidden: hidden)
            record.serverKey = key
            record.requestToTag = legacyToTag
            let (slot, generation) = inviteServers.insert(record)
            let id = ServerTransactionID(slot: slot, generation: generation, invite: true)
            if let key { serverIndex[key] = id }
            run(&inviteServers, .inviteServer, id.ref, .start, subject: request, now: now, into: &out)
            return id
        }
        var record = TransactionRecord(machine: NonInviteServerTransaction(request: request, reliable: reliable, timers: sharedTimers),
                                       flow: flow, hidden: hidden)
        record.serverKey = key
        record.requestToTag = legacyToTag
        let (slot, generation) = nonInviteServers.insert(record)
        let id = ServerTransactionID(slot: slot, generation: generation, invite: false)
        if let key { serverIndex[key] = id }
        run(&nonInviteServers, .nonInviteServer, id.ref, .start, subject: request, now: now, into: &out)
        return id
    }

    /// RFC 3261 §17.2.3: an ACK matches the INVITE transaction (for RFC 2543 requests, also
    /// by the To tag of the response sent). In Completed it confirms the non-2xx response
    /// and is absorbed; in Accepted it goes to the TU (RFC 6026 §8.7); matching nothing, it
    /// is the ACK for a 2xx and goes to the TU (§17.1.1.3, §13.3.1.4).
    private func receiveAck(_ ack: SIPMessage, key: ServerKey, from flow: TransportFlow, now: SIPInstant,
                            into out: inout [TransactionOutput]) {
        if let id = serverIndex[key], id.isInvite, let machine = inviteServers.record(id.ref)?.machine,
           !key.isRFC2543 || machine.responseToTag == ack.toTag {
            run(&inviteServers, .inviteServer, id.ref, .ack, subject: ack, now: now, into: &out)
            return
        }
        out.append(.ackWithoutTransaction(ack, from: flow))
    }

    /// RFC 3261 §9.2: a CANCEL is a non-INVITE transaction of its own, answered here. If it
    /// matches a transaction (same key, any method but CANCEL and ACK): 200; if that is an
    /// INVITE without a final response yet, also 487 to the INVITE and `.cancelled` to the
    /// TU. If it matches nothing: 481. Retransmitted CANCELs get the same answer again.
    private func receiveCancel(_ cancel: SIPMessage, key: ServerKey, from flow: TransportFlow, now: SIPInstant,
                               into out: inout [TransactionOutput]) {
        if let id = serverIndex[key], let record = nonInviteServers.record(id.ref),
           !key.isRFC2543 || record.requestToTag == cancel.toTag {
            run(&nonInviteServers, .nonInviteServer, id.ref, .retransmission, subject: nil, now: now, into: &out)
            return
        }
        let cancelID = startServer(cancel, method: .cancel, key: serverIndex[key] == nil ? key : nil, from: flow,
                                   hidden: true, now: now, into: &out)
        let cancelToTag = cancel.toTag

        if let target = serverIndex[key.with(.invite)], target.isInvite, let record = inviteServers.record(target.ref),
           !key.isRFC2543 || record.requestToTag == cancelToTag {
            // §9.2: the To tag of the 200 and of the INVITE's response should be the same.
            let tag = record.machine.responseToTag ?? newTag()
            answer(cancel, cancelID, status: 200, toTag: tag, now: now, into: &out)
            if record.machine.state == .proceeding, let invite = record.machine.request {
                let terminated = SIPMessage.response(to: invite, status: 487, toTag: tag)
                run(&inviteServers, .inviteServer, target.ref, .tuResponse(terminated), subject: nil, now: now, into: &out)
                out.append(.cancelled(target))
            }
            return
        }
        if let target = serverIndex[key.with(.other)], !target.isInvite, let record = nonInviteServers.record(target.ref),
           !key.isRFC2543 || record.requestToTag == cancelToTag {
            // §9.2: a CANCEL has no effect on a non-INVITE request, but it matched: 200.
            answer(cancel, cancelID, status: 200, toTag: record.machine.toTag ?? newTag(), now: now, into: &out)
            return
        }
        // §9.2: "If the UAS did not find a matching transaction for the CANCEL … 481".
        answer(cancel, cancelID, status: 481, toTag: newTag(), now: now, into: &out)
    }

    private func answer(_ request: SIPMessage, _ id: ServerTransactionID, status: Int, toTag: String, now: SIPInstant,
                        into out: inout [TransactionOutput]) {
        let response = SIPMessage.response(to: request, status: status, toTag: toTag)
        run(&nonInviteServers, .nonInviteServer, id.ref, .tuResponse(response), subject: nil, now: now, into: &out)
    }
}
