import SIPMessage

/// The client side: sending requests, matching responses (RFC 3261 §17.1.3), CANCEL (§9.1).
extension TransactionLayer {
    /// Starts a client transaction for `request` and sends it to `flow` (RFC 3261 §17.1).
    ///
    /// The request's top Via should carry a unique branch with the magic cookie `z9hG4bK`
    /// (§8.1.1.7); without one, the layer adds a fresh branch. An ACK starts no transaction
    /// (the ACK for a 2xx is the TU's, §13.2.2.4): it is sent as is, and the identifier
    /// returned names nothing. A request that cannot start a transaction (no Via, a branch
    /// and method already in use) gets `.transportError` and `.terminated` at once.
    @discardableResult
    public func sendRequest(_ request: SIPMessage, to flow: TransportFlow, now: SIPInstant,
                            into out: inout [TransactionOutput]) -> ClientTransactionID {
        guard let method = request.method else { return refuse(into: &out) }
        if method == .ack {
            out.append(.send(request, to: flow))
            return statelessClientID()
        }
        var request = request
        guard var vias = try? request.vias(), let top = vias.first else { return refuse(into: &out) }
        var branch = top.branch ?? ""
        if !ServerKey.isRFC3261Branch(branch) {
            branch = newBranch()
            vias[0] = top.with(parameter: "branch", branch)
            request.headers.set(.via, vias.map(\.description).joined(separator: ", "))
        }
        let key = ClientKey(branch: FoldedString(branch), method: method)
        guard clientIndex[key] == nil else { return refuse(into: &out) }
        if method == .cancel { markCancelled(branch: key.branch) }
        return startClient(request, method: method, key: key, to: flow, hidden: false, now: now, into: &out)
    }

    /// Cancels a pending INVITE (RFC 3261 §9.1): once a provisional response has arrived the
    /// layer builds the CANCEL and sends it in a client transaction of its own, whose
    /// responses it absorbs; asked earlier, it waits for the first provisional response, and
    /// forgets the request if a final response comes first. The INVITE then normally ends
    /// with a 487 for the TU; if no final response comes within 64·T1 of the CANCEL, the TU
    /// gets `.clientTimeout` (§9.1). Non-INVITE identifiers and repeated calls are ignored.
    public func cancel(_ id: ClientTransactionID, now: SIPInstant, into out: inout [TransactionOutput]) {
        guard id.isInvite, let record = inviteClients.record(id.ref), record.cancel == .none else { return }
        switch record.machine.state {
        case .calling:
            // §9.1: "a CANCEL … SHOULD NOT be sent" before a provisional response; remember it.
            inviteClients.modify(id.ref) { $0.cancel = .pending }
        case .proceeding:
            sendCancel(for: id.ref, now: now, into: &out)
        case .completed, .accepted, .terminated:
            break
        }
    }

    func receiveResponse(_ response: SIPMessage, from flow: TransportFlow, now: SIPInstant, into out: inout [TransactionOutput]) {
        guard let via = try? response.topVia(), let branch = via.branch, let cseq = try? response.cseq() else {
            discard()
            return
        }
        // RFC 3261 §17.1.3: branch of the top Via and CSeq method.
        guard let id = clientIndex[ClientKey(branch: FoldedString(branch), method: cseq.method)] else {
            out.append(.strayResponse(response, from: flow))
            return
        }
        if id.isInvite {
            run(&inviteClients, .inviteClient, id.ref, .response(response), subject: response, now: now, into: &out)
            sendPendingCancel(for: id.ref, now: now, into: &out)
        } else {
            run(&nonInviteClients, .nonInviteClient, id.ref, .response(response), subject: response, now: now, into: &out)
        }
    }

    /// A new client transaction, indexed under `key`, started at once.
    @discardableResult
    func startClient(_ request: SIPMessage, method: SIPMethod, key: ClientKey, to flow: TransportFlow, hidden: Bool,
                     now: SIPInstant, into out: inout [TransactionOutput]) -> ClientTransactionID {
        let reliable = flow.transport.isReliable
        if method == .invite {
            var record = TransactionRecord(machine: InviteClientTransaction(request: request, reliable: reliable, timers: sharedTimers),
                                           flow: flow, hidden: hidden)
            record.clientKey = key
            let (slot, generation) = inviteClients.insert(record)
            let id = ClientTransactionID(slot: slot, generation: generation, invite: true)
            clientIndex[key] = id
            run(&inviteClients, .inviteClient, id.ref, .start, subject: nil, now: now, into: &out)
            return id
        }
        var record = TransactionRecord(machine: NonInviteClientTransaction(request: request, reliable: reliable, timers: sharedTimers),
                                       flow: flow, hidden: hidden)
        record.clientKey = key
        let (slot, generation) = nonInviteClients.insert(record)
        let id = ClientTransactionID(slot: slot, generation: generation, invite: false)
        clientIndex[key] = id
        run(&nonInviteClients, .nonInviteClient, id.ref, .start, subject: nil, now: now, into: &out)
        return id
    }

    /// After a response: a CANCEL asked for in Calling goes out with the first provisional
    /// response, and is forgotten once a final response has come (§9.1).
    private func sendPendingCancel(for ref: TransactionSlotRef, now: SIPInstant, into out: inout [TransactionOutput]) {
        guard inviteClients.contains(ref), inviteClients.records[ref.slot]?.cancel == .pending,
              let state = inviteClients.records[ref.slot]?.machine.state else { return }
        switch state {
        case .proceeding: sendCancel(for: ref, now: now, into: &out)
        case .calling: break
        case .completed, .accepted, .terminated: inviteClients.modify(ref) { $0.cancel = .none }
        }
    }

    /// RFC 3261 §9.1: builds the CANCEL, sends it to where the INVITE went in a hidden
    /// non-INVITE client transaction, and starts the 64·T1 guard on the INVITE.
    private func sendCancel(for ref: TransactionSlotRef, now: SIPInstant, into out: inout [TransactionOutput]) {
        guard let record = inviteClients.record(ref), let inviteKey = record.clientKey else { return }
        inviteClients.modify(ref) { $0.cancel = .sent }
        let key = ClientKey(branch: inviteKey.branch, method: .cancel)
        if clientIndex[key] == nil {
            startClient(SIPMessage.cancel(for: record.machine.request), method: .cancel, key: key, to: record.flow,
                        hidden: true, now: now, into: &out)
        }
        arm(&inviteClients, .inviteClient, ref, .cancelGuard, after: timers.timerB, now: now)
    }

    /// A CANCEL the TU sends itself counts as the INVITE's cancellation (no second one).
    private func markCancelled(branch: FoldedString) {
        guard let id = clientIndex[ClientKey(branch: branch, method: .invite)], inviteClients.contains(id.ref) else { return }
        inviteClients.modify(id.ref) { $0.cancel = .sent }
    }

    /// The answer to a request that cannot start a transaction.
    private func refuse(into out: inout [TransactionOutput]) -> ClientTransactionID {
        let id = statelessClientID()
        out.append(.transportError(id, nil))
        out.append(.terminated(client: id, server: nil))
        return id
    }
}
