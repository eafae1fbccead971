// Parsers for the value of each SDP line type (RFC 8866 §5). They never trap: numbers are
// read with overflow checks and every failure becomes an SDPError naming the line.

extension FixedWidthInteger where Self: UnsignedInteger {
    /// Reads ASCII decimal digits only (no sign, no spaces); `nil` on any other
    /// character, on empty text, or when the value does not fit.
    init?(sdpDecimal text: some StringProtocol) {
        guard !text.isEmpty else { return nil }
        var value: Self = 0
        for byte in text.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Self(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        self = value
    }
}

extension StringProtocol {
    /// The space-separated fields of an SDP line value. Runs of spaces count as one
    /// separator (a leniency; RFC 8866 §5 asks for exactly one space).
    var sdpFields: [SubSequence] {
        split(separator: " ")
    }
}

extension Origin {
    /// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2).
    init(sdpValue value: String, line: Int) throws(SDPError) {
        let fields = value.sdpFields
        guard fields.count == 6 else {
            throw SDPError(.badOrigin, line: line, "bad o= line: expected 6 fields, found \(fields.count)")
        }
        guard let sessionID = UInt64(sdpDecimal: fields[1]) else {
            throw SDPError(.badOrigin, line: line, "bad o= line: session id '\(fields[1])' is not a number that fits in 64 bits")
        }
        guard let sessionVersion = UInt64(sdpDecimal: fields[2]) else {
            throw SDPError(.badOrigin, line: line, "bad o= line: session version '\(fields[2])' is not a number that fits in 64 bits")
        }
        self.init(
            username: String(fields[0]), sessionID: sessionID, sessionVersion: sessionVersion,
            netType: String(fields[3]), addrType: String(fields[4]), address: String(fields[5])
        )
    }
}

extension Connection {
    /// `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7).
    init(sdpValue value: String, line: Int) throws(SDPError) {
        let fields = value.sdpFields
        guard fields.count == 3 else {
            throw SDPError(.badConnection, line: line, "bad c= line: expected 3 fields (<nettype> <addrtype> <address>), found \(fields.count)")
        }
        self.init(netType: String(fields[0]), addrType: String(fields[1]), address: String(fields[2]))
    }
}

extension Bandwidth {
    /// `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8).
    init(sdpValue value: String, line: Int) throws(SDPError) {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw SDPError(.badBandwidth, line: line, "bad b= line: expected <bwtype>:<bandwidth>")
        }
        guard let amount = UInt64(sdpDecimal: parts[1]) else {
            throw SDPError(.badBandwidth, line: line, "bad b= line: bandwidth '\(parts[1])' is not a number")
        }
        self.init(type: String(parts[0]), value: amount)
    }
}

extension Timing {
    /// `t=<start-time> <stop-time>` (RFC 8866 §5.9).
    init(sdpValue value: String, line: Int) throws(SDPError) {
        let fields = value.sdpFields
        guard fields.count == 2 else {
            throw SDPError(.badTiming, line: line, "bad t= line: expected 2 fields (<start> <stop>), found \(fields.count)")
        }
        guard let start = UInt64(sdpDecimal: fields[0]), let stop = UInt64(sdpDecimal: fields[1]) else {
            throw SDPError(.badTiming, line: line, "bad t= line: start and stop times must be decimal numbers")
        }
        self.init(start: start, stop: stop)
    }
}

extension MediaDescription {
    /// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14).
    /// A disabled stream (port 0) may omit the format list (a leniency).
    init(sdpValue value: String, line: Int) throws(SDPError) {
        let fields = value.sdpFields
        guard fields.count >= 3 else {
            throw SDPError(.badMedia, line: line, "bad m= line: expected <media> <port> <proto> <fmt>..., found \(fields.count) fields")
        }
        let portParts = fields[1].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let port = UInt16(sdpDecimal: portParts[0]) else {
            throw SDPError(.badMedia, line: line, "bad m= line: port '\(portParts[0])' is not a number from 0 to 65535")
        }
        var portCount: UInt16?
        if portParts.count == 2 {
            guard let count = UInt16(sdpDecimal: portParts[1]), count > 0 else {
                throw SDPError(.badMedia, line: line, "bad m= line: port count '\(portParts[1])' is not a number from 1 to 65535")
            }
            portCount = count
        }
        let formats = fields.dropFirst(3).map(String.init)
        guard !formats.isEmpty || port == 0 else {
            throw SDPError(.badMedia, line: line, "bad m= line: no media formats listed")
        }
        self.init(
            mediaType: String(fields[0]), port: port, portCount: portCount,
            proto: String(fields[2]), formats: formats
        )
    }
}

extension Attribute {
    /// `a=<attribute-name>[:<attribute-value>]` (RFC 8866 §5.13).
    init(sdpValue value: String, line: Int) throws(SDPError) {
        let parts = value.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts[0].isEmpty else {
            throw SDPError(.malformedLine, line: line, "bad a= line: empty attribute name")
        }
        self.init(String(parts[0]), parts.count == 2 ? String(parts[1]) : nil)
    }
}
