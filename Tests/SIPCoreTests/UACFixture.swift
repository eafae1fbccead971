import Testing
import TestSupport
import SIPMessage
import SIPTransaction
@testable import SIPCore

/// Shared fixtures of the UAC suites (`OutboundInvite…Tests`, `RingGroupTests`): legs with
/// fixed identities, responses as a phone would send them (serialized and parsed again),
/// and readers for the actions.
enum UACFixture {
    static let sdpOffer = Array("v=0\r\no=sb 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n".utf8)
    static let sdpAnswer = "v=0\r\no=phone 2 2 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\nm=audio 50000 RTP/AVP 0\r\n"

    static func seconds(_ value: Int64) -> SIPInstant { SIPInstant(nanoseconds: value * 1_000_000_000) }

    static func uri(_ text: String) -> URI {
        (try? URI(text)) ?? .sip(SIPURI(host: "invalid.test"))
    }

    static func configuration(ringTimeout: Duration? = .seconds(20), maxRedirects: Int = 3) -> OutboundInviteConfiguration {
        OutboundInviteConfiguration(
            from: NameAddress(displayName: "Caller", uri: uri("sip:+15550100@switchboard.example")),
            contact: NameAddress(uri: uri("sip:switchboard@192.0.2.1:5060")),
            via: LocalVia(transport: "UDP", host: "192.0.2.1", port: 5060),
            offer: sdpOffer,
            headers: [SIPHeader(name: "Allow", value: "INVITE, ACK, CANCEL, BYE")],
            ringTimeout: ringTimeout, maxRedirects: maxRedirects)
    }

    static func identity(_ name: String = "leg1") -> OutboundInviteIdentity {
        OutboundInviteIdentity(callID: "\(name)@switchboard.example", fromTag: "ft-\(name)", branchPrefix: "z9hG4bK\(name)")
    }

    static func leg(_ target: String = "sip:alice@192.0.2.20:5060", name: String = "leg1", ringTimeout: Duration? = .seconds(20),
                    maxRedirects: Int = 3, credentials: [DigestCredential] = []) -> OutboundInvite {
        OutboundInvite(target: .uri(uri(target), credentials: credentials),
                       configuration: configuration(ringTimeout: ringTimeout, maxRedirects: maxRedirects),
                       identity: identity(name), random: SplitMix64(seed: 7))
    }

    /// A response to `request` from a phone: To tag, Contact, optional SDP and extra lines,
    /// serialized and parsed again.
    static func response(to request: SIPMessage, _ status: Int, tag: String? = nil, contact: String? = nil,
                         sdp: String? = nil, extra: [(String, String)] = [],
                         sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
        var response = SIPMessage.response(to: request, status: status, toTag: tag)
        if let contact { response.headers.append(.contact, contact) }
        for (name, value) in extra { response.headers.append(name, value) }
        if let sdp { response.setBody(Array(sdp.utf8), contentType: .sdp) }
        return wire(response, sourceLocation: sourceLocation)
    }

    static func wire(_ message: SIPMessage, sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
        do {
            return try SIPMessage(parsing: message.serialized())
        } catch {
            Issue.record("message does not parse: \(error)", sourceLocation: sourceLocation)
            return message
        }
    }

    // MARK: Reading actions

    /// The requests to send in client transactions, in order.
    static func requests(_ actions: [OutboundInvite.Action]) -> [SIPMessage] {
        actions.compactMap { if case .sendRequest(let request) = $0 { return request.message } else { return nil } }
    }

    /// The ACKs to send outside transactions, in order.
    static func acks(_ actions: [OutboundInvite.Action]) -> [SIPMessage] {
        actions.compactMap { if case .sendACK(let request) = $0 { return request.message } else { return nil } }
    }

    static func failure(_ actions: [OutboundInvite.Action]) -> OutboundInviteFailure? {
        for action in actions { if case .failed(let failure) = action { return failure } }
        return nil
    }

    static func answered(_ actions: [OutboundInvite.Action]) -> (Dialog, [UInt8])? {
        for action in actions { if case .answered(let dialog, let sdp) = action { return (dialog, sdp) } }
        return nil
    }

    /// The one request of `actions`; records an issue unless there is exactly one.
    static func single(_ actions: [OutboundInvite.Action], sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
        let sent = requests(actions)
        guard sent.count == 1, let first = sent.first else {
            Issue.record("expected one request, got \(actions)", sourceLocation: sourceLocation)
            return SIPMessage.request(.options, uri: .sip(SIPURI(host: "invalid.test")))
        }
        return first
    }

    static func branch(_ message: SIPMessage) -> String? { (try? message.topVia())?.branch }
    static func cseq(_ message: SIPMessage) -> String? { message.headers.first(.cseq) }
    static func toTag(_ message: SIPMessage) -> String? { (try? message.to())?.tag }

    /// The actions of leg `index` in a group's actions.
    static func legActions(_ actions: [RingGroup.Action], _ index: Int) -> [OutboundInvite.Action] {
        actions.compactMap { if case .leg(index, let action) = $0 { return action } else { return nil } }
    }

    static func finished(_ actions: [RingGroup.Action]) -> [RingGroupOutcome] {
        actions.compactMap { if case .finished(let outcome) = $0 { return outcome } else { return nil } }
    }
}
