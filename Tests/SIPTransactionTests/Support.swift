import Testing
import SIPMessage
@testable import SIPTransaction

// MARK: - Flows and time

let udpPeer = TransportFlow(transport: .udp, host: "192.0.2.10", port: 5060)
let otherUDPPeer = TransportFlow(transport: .udp, host: "192.0.2.11", port: 5060)
let tcpPeer = TransportFlow(transport: .tcp, host: "192.0.2.20", port: 5060, connection: 7)

func at(_ duration: Duration) -> SIPInstant { SIPInstant.zero + duration }
func ms(_ value: Int64) -> SIPInstant { SIPInstant(nanoseconds: value * 1_000_000) }

// MARK: - Messages

/// Parses CRLF-joined lines (with the empty line added); records an issue if it fails.
func parse(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) -> SIPMessage {
    let text = lines.joined(separator: "\r\n") + "\r\n\r\n"
    do {
        return try SIPParser().parse(text)
    } catch {
        Issue.record("fixture does not parse: \(error)", sourceLocation: sourceLocation)
        return SIPMessage.request(.options, uri: .sip(SIPURI(host: "invalid")))
    }
}

/// A request as a UAC sends it; `branch: nil` leaves the branch parameter out.
func makeRequest(_ method: String, branch: String? = "z9hG4bKa1", sentBy: String = "client.example.com:5060",
                 transport: String = "UDP", uri: String = "sip:bob@example.com", callID: String = "call-1@client",
                 cseq: UInt32 = 1, cseqMethod: String? = nil, fromTag: String? = "ft1", toTag: String? = nil,
                 extra: [String] = []) -> SIPMessage {
    var via = "Via: SIP/2.0/\(transport) \(sentBy)"
    if let branch { via += ";branch=\(branch)" }
    return parse([
        "\(method) \(uri) SIP/2.0",
        via,
        "Max-Forwards: 70",
        "From: \"Alice\" <sip:alice@example.com>" + (fromTag.map { ";tag=\($0)" } ?? ""),
        "To: <sip:bob@example.com>" + (toTag.map { ";tag=\($0)" } ?? ""),
        "Call-ID: \(callID)",
        "CSeq: \(cseq) \(cseqMethod ?? method)",
    ] + extra + ["Content-Length: 0"])
}

func response(_ status: Int, to request: SIPMessage, toTag: String? = "tt1") -> SIPMessage {
    SIPMessage.response(to: request, status: status, toTag: toTag)
}

// MARK: - A layer on a virtual clock

/// One layer, the virtual time, and everything it output, with the instant of each output.
final class Rig {
    let layer: TransactionLayer
    private(set) var now: SIPInstant = .zero
    private(set) var log: [(SIPInstant, TransactionOutput)] = []
    private var scratch: [TransactionOutput] = []

    init(timers: TransactionTimerValues = .init(), seed: UInt64 = 1) {
        layer = TransactionLayer(timers: timers, randomSeed: seed)
    }

    /// Moves the clock to `instant` (never backwards), firing due timers one deadline at a time.
    @discardableResult
    func advance(to instant: SIPInstant) -> [(SIPInstant, TransactionOutput)] {
        var result: [(SIPInstant, TransactionOutput)] = []
        while let deadline = layer.nextDeadline, deadline <= instant {
            now = max(now, deadline)
            scratch.removeAll(keepingCapacity: true)
            layer.fireTimers(now: now, into: &scratch)
            result += scratch.map { (now, $0) }
        }
        now = max(now, instant)
        log += result
        return result
    }

    @discardableResult
    func advance(by duration: Duration) -> [(SIPInstant, TransactionOutput)] { advance(to: now + duration) }

    @discardableResult
    func receive(_ message: SIPMessage, from flow: TransportFlow = udpPeer) -> [TransactionOutput] {
        record { layer.receive(message, from: flow, now: now, into: &$0) }
    }

    @discardableResult
    func send(_ request: SIPMessage, to flow: TransportFlow = udpPeer) -> (ClientTransactionID, [TransactionOutput]) {
        var id: ClientTransactionID?
        let outputs = record { id = layer.sendRequest(request, to: flow, now: now, into: &$0) }
        return (id ?? ClientTransactionID(raw: 0), outputs)
    }

    @discardableResult
    func respond(_ response: SIPMessage, to id: ServerTransactionID) -> [TransactionOutput] {
        record { layer.respond(response, to: id, now: now, into: &$0) }
    }

    @discardableResult
    func cancel(_ id: ClientTransactionID) -> [TransactionOutput] {
        record { layer.cancel(id, now: now, into: &$0) }
    }

    @discardableResult
    func transportFailed(_ flow: TransportFlow) -> [TransactionOutput] {
        record { layer.transportFailed(flow, now: now, into: &$0) }
    }

    private func record(_ body: (inout [TransactionOutput]) -> Void) -> [TransactionOutput] {
        scratch.removeAll(keepingCapacity: true)
        body(&scratch)
        log += scratch.map { (now, $0) }
        return scratch
    }

    /// Receives a new request and returns the server transaction the TU was given.
    @discardableResult
    func serverTransaction(for request: SIPMessage, from flow: TransportFlow = udpPeer,
                           sourceLocation: SourceLocation = #_sourceLocation) -> ServerTransactionID {
        let outputs = receive(request, from: flow)
        guard let id = outputs.lazy.compactMap(\.requestID).first else {
            Issue.record("no .request for the TU: \(outputs)", sourceLocation: sourceLocation)
            return ServerTransactionID(raw: 0)
        }
        return id
    }
}

// MARK: - Reading outputs

extension TransactionOutput {
    var sent: SIPMessage? {
        if case .send(let message, _) = self { return message }
        return nil
    }

    var sentTo: TransportFlow? {
        if case .send(_, let flow) = self { return flow }
        return nil
    }

    var requestID: ServerTransactionID? {
        if case .request(_, let id, _) = self { return id }
        return nil
    }

    var tuResponse: SIPMessage? {
        if case .response(let message, _) = self { return message }
        return nil
    }

    var isTerminated: Bool {
        if case .terminated = self { return true }
        return false
    }

    /// A short name for assertions: "send 100", "send INVITE", "response 180", "terminated" …
    var summary: String {
        switch self {
        case .send(let message, _): return "send " + message.label
        case .request(let message, _, _): return "request " + message.label
        case .ackWithoutTransaction: return "ack"
        case .response(let message, _): return "response " + message.label
        case .strayResponse(let message, _): return "stray " + message.label
        case .cancelled: return "cancelled"
        case .serverTimeout: return "server timeout"
        case .clientTimeout: return "client timeout"
        case .transportError: return "transport error"
        case .terminated: return "terminated"
        }
    }
}

extension SIPMessage {
    /// "INVITE" for a request, "180" for a response.
    var label: String { method?.name ?? String(statusCode ?? 0) }
}

func summaries(_ outputs: [TransactionOutput]) -> [String] { outputs.map(\.summary) }

/// The instants (in ms) at which messages labelled `label` were sent.
func sendTimes(_ log: [(SIPInstant, TransactionOutput)], _ label: String) -> [Int64] {
    log.compactMap { instant, output in output.sent?.label == label ? instant.nanoseconds / 1_000_000 : nil }
}

/// The instants (in ms) and summaries of a timed log, e.g. ["500 send INVITE"].
func timed(_ log: [(SIPInstant, TransactionOutput)]) -> [String] {
    log.map { String($0.0.nanoseconds / 1_000_000) + " " + $0.1.summary }
}
