import SIPMessage

/// What can be rescued from a request the parser rejected, so the server can still answer
/// `400` (RFC 3261 §8.2.6 copies Via, From, To, Call-ID and CSeq into a response).
///
/// Only a request whose first line looks like a Request-Line and whose top Via parses is
/// answered; anything else is dropped (RFC 3261 §18.2.1 needs the Via to route the answer).
/// An ACK is never answered (§17.2.1: a response to an ACK would have nowhere to go).
public struct SalvagedRequest: Sendable {
    /// The request method as written.
    public let method: String
    /// The top Via, to route the answer (RFC 3261 §18.2.2).
    public let topVia: Via
    /// Header lines copied into the response, in order, as (name, value).
    public let copiedHeaders: [(String, String)]

    /// Rescues what it can from `bytes`; nil when no answer is possible.
    public init?(_ bytes: some Collection<UInt8>) {
        let lines = Self.unfoldedLines(bytes.prefix(65_535))
        guard let requestLine = lines.first else { return nil }
        // Method first, SIP-Version last; whatever lies between (even with stray spaces,
        // RFC 4475 §3.1.2.7–3.1.2.10) is the Request-URI.
        let parts = requestLine.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count >= 3, let version = parts.last, version.uppercased().hasPrefix("SIP/"),
              parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-" || $0 == "_") }) else { return nil }
        let method = String(parts[0])
        guard method != "ACK" else { return nil }

        var copied: [(String, String)] = []
        var topVia: Via? = nil
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: " \t")
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            let header = HeaderName(name)
            switch header {
            case .via:
                if topVia == nil {
                    guard let vias = try? Via.parseList(value), let first = vias.first else { return nil }
                    topVia = first
                }
                copied.append((name, value))
            case .from, .to, .callID, .cseq:
                copied.append((name, value))
            default:
                continue
            }
        }
        guard let topVia else { return nil }
        self.method = method
        self.topVia = topVia
        self.copiedHeaders = copied
    }

    /// A response carrying the copied headers (with the top Via replaced by `stampedVia`
    /// when given), `Content-Length: 0`, and the given status and reason.
    public func response(status: Int, reason: String, stampedVia: Via? = nil) -> SIPMessage {
        var headers = SIPHeaders(copiedHeaders)
        headers.append(.contentLength, "0")
        var response = SIPMessage.response(status: status, reason: reason, headers: headers)
        if let stampedVia { response.replaceTopVia(stampedVia) }
        return response
    }

    /// The header block's lines, continuation lines joined (RFC 3261 §7.3.1), as text with
    /// anything that is not printable ASCII replaced, stopping at the first empty line.
    static func unfoldedLines(_ bytes: some Collection<UInt8>) -> [String] {
        var lines: [String] = []
        var current: [UInt8] = []
        var lineStarted = false
        func finish() {
            let text = String(decoding: current.map { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
            lines.append(text)
            current.removeAll(keepingCapacity: true)
        }
        var iterator = bytes.makeIterator()
        var pending: UInt8? = nil
        while let byte = pending ?? iterator.next() {
            pending = nil
            if byte == UInt8(ascii: "\r") { continue }
            if byte == UInt8(ascii: "\n") {
                // A line starting with space or tab continues the previous one.
                guard let next = iterator.next() else { break }
                if (next == UInt8(ascii: " ") || next == UInt8(ascii: "\t")) && lineStarted && !current.isEmpty {
                    current.append(UInt8(ascii: " "))
                    continue
                }
                if current.isEmpty { return lines }   // the empty line ends the headers
                finish()
                pending = next
                continue
            }
            lineStarted = true
            current.append(byte)
        }
        if !current.isEmpty { finish() }
        return lines
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var text = self
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
