import Testing
import SIPMessage
@testable import SIPTransaction

/// RFC 3261 §17.1.3 (responses to client transactions).
@Suite("Client matching (RFC 3261 §17.1.3)")
struct ClientMatchingTests {
    @Test("a response matches by top-Via branch and CSeq method; anything else is stray")
    func branchAndMethod() {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKm1")
        let (id, _) = rig.send(invite)
        // Same branch, CSeq method CANCEL: the CANCEL's transaction, not the INVITE's.
        let cancelResponse = response(200, to: makeRequest("CANCEL", branch: "z9hG4bKm1"))
        #expect(summaries(rig.receive(cancelResponse)) == ["stray 200"])
        // Other branch: stray.
        #expect(summaries(rig.receive(response(180, to: makeRequest("INVITE", branch: "z9hG4bKzz")))) == ["stray 180"])
        // Branch compared ignoring case (RFC 3261 §7.3.1).
        let shouting = response(180, to: makeRequest("INVITE", branch: "Z9HG4BKM1"))
        #expect(rig.receive(shouting) == [.response(shouting, id)])
    }

    @Test("a response without a Via branch or CSeq is discarded, never a crash")
    func unusableResponses() {
        let rig = Rig()
        rig.send(makeRequest("OPTIONS"))
        let noBranch = response(200, to: makeRequest("OPTIONS", branch: nil))
        #expect(rig.receive(noBranch).isEmpty)
        let noVia = parse(["SIP/2.0 200 OK", "CSeq: 1 OPTIONS", "Call-ID: x", "Content-Length: 0"])
        #expect(rig.receive(noVia).isEmpty)
        let badCSeq = parse(["SIP/2.0 200 OK", "Via: SIP/2.0/UDP client.example.com;branch=z9hG4bKa1",
                             "CSeq: banana", "Content-Length: 0"])
        #expect(rig.receive(badCSeq).isEmpty)
        #expect(rig.layer.discardedCount == 3)
        #expect(rig.layer.activeCount == 1)
    }

    @Test("sendRequest adds a branch when the top Via has none (or lacks the magic cookie)")
    func branchAdded() throws {
        let rig = Rig()
        let (id, outputs) = rig.send(makeRequest("OPTIONS", branch: nil))
        let sent = try #require(outputs.first?.sent)
        let branch = try #require(try sent.topVia().branch)
        #expect(branch.hasPrefix("z9hG4bK") && branch.count > 7)
        #expect(rig.receive(response(200, to: sent)) == [.response(response(200, to: sent), id)])

        let (_, legacy) = rig.send(makeRequest("OPTIONS", branch: "1234"))
        #expect(try legacy.first?.sent?.topVia().branch?.hasPrefix("z9hG4bK") == true)
    }

    @Test("an ACK is sent without a transaction; unusable requests fail at once")
    func statelessAndRefused() {
        let rig = Rig()
        let (_, ackOutputs) = rig.send(makeRequest("ACK", branch: "z9hG4bKack2xx", toTag: "tt1"))
        #expect(summaries(ackOutputs) == ["send ACK"])
        #expect(rig.layer.activeCount == 0)

        let (id, outputs) = rig.send(parse(["OPTIONS sip:x@example.com SIP/2.0", "CSeq: 1 OPTIONS", "Content-Length: 0"]))
        #expect(outputs == [.transportError(id, nil), .terminated(client: id, server: nil)])

        rig.send(makeRequest("OPTIONS", branch: "z9hG4bKdup"))
        let (dup, dupOutputs) = rig.send(makeRequest("OPTIONS", branch: "z9hG4bKdup"))
        #expect(dupOutputs == [.transportError(dup, nil), .terminated(client: dup, server: nil)])
        #expect(rig.layer.activeCount == 1)
    }

    @Test("transportFailed touches only the transactions of that flow")
    func failureByFlow() {
        let rig = Rig()
        let (onTCP, _) = rig.send(makeRequest("OPTIONS", branch: "z9hG4bKf1", transport: "TCP"), to: tcpPeer)
        let (onUDP, _) = rig.send(makeRequest("OPTIONS", branch: "z9hG4bKf2"))
        let other = TransportFlow(transport: .tcp, host: "192.0.2.20", port: 5060, connection: 8)
        #expect(rig.transportFailed(other).isEmpty)
        #expect(rig.transportFailed(tcpPeer) == [.transportError(onTCP, nil), .terminated(client: onTCP, server: nil)])
        #expect(rig.layer.flow(of: onUDP) == udpPeer)
        #expect(rig.layer.flow(of: onTCP) == nil)
    }
}

/// RFC 3261 §17.2.3 (requests to server transactions), including the RFC 2543 fallback.
@Suite("Server matching (RFC 3261 §17.2.3)")
struct ServerMatchingTests {
    @Test("branch, sent-by and method: another sent-by or another method is another transaction")
    func keyParts() {
        let rig = Rig()
        #expect(summaries(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bKs1"))) == ["request OPTIONS"])
        #expect(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bKs1")).isEmpty)                     // retransmission
        // Branch and host compare ignoring case (RFC 3261 §7.3.1); the cookie itself is exact.
        #expect(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bKS1", sentBy: "CLIENT.example.com:5060")).isEmpty)
        #expect(summaries(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bKs1", sentBy: "other.example.com:5060"))) == ["request OPTIONS"])
        #expect(summaries(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bKs1", sentBy: "client.example.com:5070"))) == ["request OPTIONS"])
        #expect(summaries(rig.receive(makeRequest("INFO", branch: "z9hG4bKs1"))) == ["request INFO"])     // method differs
        #expect(summaries(rig.receive(makeRequest("INVITE", branch: "z9hG4bKs1"))) == ["request INVITE"])
        #expect(rig.layer.activeCount == 5)
        // The same flow does not matter: a retransmission from another address still matches.
        #expect(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bKs1"), from: otherUDPPeer).isEmpty)
    }

    @Test("ACK for a non-2xx is absorbed by the INVITE transaction; ACK for a 2xx goes to the TU")
    func acks() {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKi1")
        let id = rig.serverTransaction(for: invite)
        rig.respond(response(486, to: invite, toTag: "x"), to: id)
        #expect(rig.receive(makeRequest("ACK", branch: "z9hG4bKi1", toTag: "x")).isEmpty)

        let invite2 = makeRequest("INVITE", branch: "z9hG4bKi2", callID: "call-2")
        let id2 = rig.serverTransaction(for: invite2)
        rig.respond(response(200, to: invite2, toTag: "y"), to: id2)
        let ack2xx = makeRequest("ACK", branch: "z9hG4bKi2-ack", callID: "call-2", toTag: "y")
        #expect(rig.receive(ack2xx) == [.ackWithoutTransaction(ack2xx, from: udpPeer)])
        // An ACK matching nothing at all: to the TU as well.
        let lost = makeRequest("ACK", branch: "z9hG4bKnothing", callID: "call-9", toTag: "z")
        #expect(rig.receive(lost) == [.ackWithoutTransaction(lost, from: udpPeer)])
    }

    @Test("a branch of the bare cookie `z9hG4bK` falls back to RFC 2543 matching")
    func bareCookie() {
        let rig = Rig()
        #expect(summaries(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bK"))) == ["request OPTIONS"])
        #expect(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bK")).isEmpty)
        #expect(summaries(rig.receive(makeRequest("OPTIONS", branch: "z9hG4bK", cseq: 2))) == ["request OPTIONS"])
    }

    @Test("RFC 2543: INVITE retransmission, ACK by the response's To tag, other fields make other transactions")
    func rfc2543Invite() {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: nil)
        let id = rig.serverTransaction(for: invite)
        #expect(summaries(rig.receive(invite)) == ["send 100"])              // matched: a retransmission
        // Each of Request-URI, From tag, Call-ID, CSeq number, top Via, To tag makes it new.
        let variants = [
            makeRequest("INVITE", branch: nil, uri: "sip:carol@example.com"),
            makeRequest("INVITE", branch: nil, fromTag: "ft2"),
            makeRequest("INVITE", branch: nil, callID: "call-other"),
            makeRequest("INVITE", branch: nil, cseq: 2),
            makeRequest("INVITE", branch: nil, sentBy: "client.example.com:5999"),
            makeRequest("INVITE", branch: nil, toTag: "in-dialog"),
        ]
        for variant in variants {
            #expect(summaries(rig.receive(variant)) == ["request INVITE"])
        }
        rig.respond(response(486, to: invite, toTag: "busy"), to: id)
        #expect(summaries(rig.receive(invite)) == ["send 486"])
        // ACK: Request-URI, From tag, Call-ID, CSeq number and top Via of the INVITE,
        // To tag of the response sent.
        let wrongTag = makeRequest("ACK", branch: nil, cseqMethod: "ACK", toTag: "other")
        #expect(rig.receive(wrongTag) == [.ackWithoutTransaction(wrongTag, from: udpPeer)])
        #expect(rig.receive(makeRequest("ACK", branch: nil, cseqMethod: "ACK", toTag: "busy")).isEmpty)
        #expect(rig.layer.inviteServers.record(id.ref)?.machine.state == .confirmed)
    }

    @Test("RFC 2543: non-INVITE retransmission matched including the method")
    func rfc2543NonInvite() {
        let rig = Rig()
        let request = makeRequest("OPTIONS", branch: nil)
        let id = rig.serverTransaction(for: request)
        rig.respond(response(200, to: request), to: id)
        #expect(summaries(rig.receive(request)) == ["send 200"])
        #expect(summaries(rig.receive(makeRequest("INFO", branch: nil))) == ["request INFO"])
    }

    @Test("requests the layer cannot key are discarded, never a crash")
    func unusableRequests() {
        let rig = Rig()
        let noVia = parse(["OPTIONS sip:bob@example.com SIP/2.0", "Call-ID: a", "CSeq: 1 OPTIONS", "Content-Length: 0"])
        let badVia = parse(["OPTIONS sip:bob@example.com SIP/2.0", "Via: this is not a via", "Call-ID: a",
                            "CSeq: 1 OPTIONS", "Content-Length: 0"])
        let legacyNoCallID = parse(["OPTIONS sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP h.example.com",
                                    "CSeq: 1 OPTIONS", "Content-Length: 0"])
        let legacyNoCSeq = parse(["OPTIONS sip:bob@example.com SIP/2.0", "Via: SIP/2.0/UDP h.example.com",
                                  "Call-ID: a", "Content-Length: 0"])
        let ackNoVia = parse(["ACK sip:bob@example.com SIP/2.0", "Call-ID: a", "CSeq: 1 ACK", "Content-Length: 0"])
        let cancelNoVia = parse(["CANCEL sip:bob@example.com SIP/2.0", "Call-ID: a", "CSeq: 1 CANCEL", "Content-Length: 0"])
        for message in [noVia, badVia, legacyNoCallID, legacyNoCSeq, ackNoVia, cancelNoVia] {
            #expect(rig.receive(message).isEmpty)
        }
        #expect(rig.layer.discardedCount == 6)
        #expect(rig.layer.activeCount == 0)
        // Without a magic cookie but with Call-ID and CSeq, a request without From tag is served.
        #expect(summaries(rig.receive(makeRequest("OPTIONS", branch: nil, fromTag: nil))) == ["request OPTIONS"])
    }
}

/// CANCEL, answered by the layer (RFC 3261 §9.2), and sent by it (§9.1).
@Suite("CANCEL (RFC 3261 §9)")
struct CancelTests {
    @Test("CANCEL for a pending INVITE: 200 to the CANCEL, 487 to the INVITE, .cancelled to the TU")
    func cancelPending() throws {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKc1")
        let id = rig.serverTransaction(for: invite)
        rig.respond(response(180, to: invite, toTag: "ring"), to: id)
        let cancel = makeRequest("CANCEL", branch: "z9hG4bKc1")
        let outputs = rig.receive(cancel)
        #expect(summaries(outputs) == ["send 200", "send 487", "cancelled"])
        #expect(outputs.last == .cancelled(id))
        let ok = try #require(outputs.first?.sent)
        let terminated = try #require(outputs[1].sent)
        #expect(try ok.cseq() == CSeq(1, .cancel))
        #expect(try terminated.cseq() == CSeq(1, .invite))
        #expect(try ok.to().tag == "ring")                 // §9.2: the same To tag as the INVITE's responses
        #expect(try terminated.to().tag == "ring")
        // The TU's late answer is dropped; a retransmitted CANCEL gets its 200 again.
        #expect(rig.respond(response(200, to: invite), to: id).isEmpty)
        #expect(summaries(rig.receive(cancel)) == ["send 200"])
        // The 487 is a non-2xx: its ACK is absorbed, and Timer G retransmits it until then.
        rig.advance(to: ms(600))
        #expect(sendTimes(rig.log, "487") == [0, 500])
        #expect(rig.receive(makeRequest("ACK", branch: "z9hG4bKc1", toTag: "ring")).isEmpty)
        #expect(rig.advance(to: at(.seconds(60))).map(\.1) == [.terminated(client: nil, server: id)])
        #expect(rig.layer.activeCount == 0)
    }

    @Test("CANCEL before any tagged response: both responses carry one new tag")
    func cancelGeneratesTag() throws {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKc2")
        rig.serverTransaction(for: invite)
        rig.advance(to: ms(300))                           // the layer's 100 Trying has no tag
        let outputs = rig.receive(makeRequest("CANCEL", branch: "z9hG4bKc2"))
        #expect(summaries(outputs) == ["send 200", "send 487", "cancelled"])
        let tag = try #require(try outputs[0].sent?.to().tag)
        #expect(try outputs[1].sent?.to().tag == tag)
    }

    @Test("CANCEL after the final response: 200, no effect; CANCEL of a non-INVITE: 200; matching nothing: 481")
    func cancelOtherCases() {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKc3")
        let id = rig.serverTransaction(for: invite)
        rig.respond(response(200, to: invite, toTag: "ans"), to: id)
        #expect(summaries(rig.receive(makeRequest("CANCEL", branch: "z9hG4bKc3"))) == ["send 200"])

        let options = makeRequest("OPTIONS", branch: "z9hG4bKc4")
        let optionsID = rig.serverTransaction(for: options)
        #expect(summaries(rig.receive(makeRequest("CANCEL", branch: "z9hG4bKc4"))) == ["send 200"])
        #expect(summaries(rig.respond(response(200, to: options), to: optionsID)) == ["send 200"])

        let orphan = makeRequest("CANCEL", branch: "z9hG4bKc5")
        let outputs = rig.receive(orphan)
        #expect(summaries(outputs) == ["send 481"])
        #expect((try? outputs.first?.sent?.to().tag) != nil)
        #expect(summaries(rig.receive(orphan)) == ["send 481"])       // retransmission, same answer
        // A CANCEL from another sent-by does not match the INVITE.
        #expect(summaries(rig.receive(makeRequest("CANCEL", branch: "z9hG4bKc3", sentBy: "evil.example.com"))) == ["send 481"])
        // No CANCEL ever reaches the TU, and its transactions end without a word to it.
        rig.advance(to: at(.seconds(100)))
        #expect(!rig.log.contains { if case .request(let m, _, _) = $0.1 { return m.method == .cancel } else { return false } })
        #expect(rig.layer.activeCount == 0)
    }

    @Test("RFC 2543 CANCEL matches its INVITE by the fallback fields")
    func cancelRFC2543() {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: nil)
        let id = rig.serverTransaction(for: invite)
        let outputs = rig.receive(makeRequest("CANCEL", branch: nil))
        #expect(summaries(outputs) == ["send 200", "send 487", "cancelled"])
        #expect(outputs.last == .cancelled(id))
        #expect(summaries(rig.receive(makeRequest("CANCEL", branch: nil, cseq: 9))) == ["send 481"])
    }

    @Test("UAC: cancel in Proceeding sends a CANCEL per §9.1; its 200 is absorbed; the 487 reaches the TU")
    func cancelFromProceeding() throws {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKu1", extra: ["Route: <sip:proxy.example.com;lr>", "Require: 100rel"])
        let (id, _) = rig.send(invite)
        rig.receive(response(180, to: invite))
        let outputs = rig.cancel(id)
        #expect(summaries(outputs) == ["send CANCEL"])
        let cancel = try #require(outputs.first?.sent)
        #expect(outputs.first?.sentTo == udpPeer)
        #expect(cancel.requestURI == invite.requestURI)
        #expect(try cancel.callID() == invite.callID())
        #expect(cancel.headers.first(.to) == invite.headers.first(.to))
        #expect(cancel.headers.first(.from) == invite.headers.first(.from))
        #expect(try cancel.cseq() == CSeq(1, .cancel))
        #expect(try cancel.vias() == [try invite.topVia()])
        #expect(cancel.headers.lines(.route) == ["<sip:proxy.example.com;lr>"])
        #expect(!cancel.headers.contains(.require))
        try cancel.validate()
        #expect(rig.cancel(id).isEmpty)                                   // once only
        // The CANCEL retransmits on Timer E like any non-INVITE request.
        rig.advance(to: ms(600))
        #expect(sendTimes(rig.log, "CANCEL") == [0, 500])
        #expect(rig.receive(response(200, to: cancel)).isEmpty)           // the layer's, not the TU's
        #expect(summaries(rig.receive(response(487, to: invite))) == ["send ACK", "response 487"])
        rig.advance(to: at(.seconds(100)))
        #expect(rig.layer.activeCount == 0)
        #expect(rig.log.filter(\.1.isTerminated).map(\.1) == [.terminated(client: id, server: nil)])
    }

    @Test("UAC: cancel in Calling waits for a provisional response; a final one first forgets it")
    func cancelFromCalling() {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKu2")
        let (id, _) = rig.send(invite)
        #expect(rig.cancel(id).isEmpty)
        #expect(summaries(rig.receive(response(100, to: invite, toTag: nil))) == ["response 100", "send CANCEL"])

        let invite2 = makeRequest("INVITE", branch: "z9hG4bKu3")
        let (id2, _) = rig.send(invite2)
        rig.cancel(id2)
        #expect(summaries(rig.receive(response(486, to: invite2))) == ["send ACK", "response 486"])
        #expect(!rig.log.contains { $0.1.sent?.method == .cancel && (try? $0.1.sent?.topVia().branch) == "z9hG4bKu3" })
    }

    @Test("UAC: no final response 64·T1 after the CANCEL: the TU gets a timeout (§9.1)")
    func cancelGuard() {
        let rig = Rig()
        let invite = makeRequest("INVITE", branch: "z9hG4bKu4")
        let (id, _) = rig.send(invite)
        rig.receive(response(180, to: invite))
        rig.advance(to: ms(1000))
        rig.cancel(id)
        let log = rig.advance(to: at(.seconds(60)))
        #expect(log.filter { $0.1.sent == nil }.map { "\($0.0.nanoseconds / 1_000_000) \($0.1.summary)" }
            == ["33000 client timeout", "33000 terminated"])
        #expect(log.contains { $0.1 == .clientTimeout(id) })
        #expect(rig.layer.activeCount == 0)
    }
}
