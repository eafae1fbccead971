extension SessionDescription {
    /// Writes the description with CRLF line ends and lines in RFC 8866 §5 order:
    /// `v o s i u e p c b t r z`, unknown lines (e.g. `k=`), `a`, then each media
    /// section as `m i c b`, unknown lines, `a`.
    ///
    /// Values are written verbatim: they must not contain CR or LF. A description with
    /// no timings is written with `t=0 0` so the output is always valid.
    public func serialize() -> String {
        var writer = LineWriter()
        writer.add("v", String(version))
        writer.add("o", origin.sdpValue)
        writer.add("s", sessionName)
        writer.add("i", information)
        writer.add("u", uri)
        writer.add("e", emails)
        writer.add("p", phones)
        writer.add("c", connection?.sdpValue)
        writer.add("b", bandwidths.map(\.sdpValue))
        for timing in timings.isEmpty ? [Timing()] : timings {
            writer.add("t", "\(timing.start) \(timing.stop)")
            writer.add("r", timing.repeats)
        }
        writer.add("z", timeZones)
        writer.add(otherLines)
        writer.add(attributes)
        for section in media {
            section.write(to: &writer)
        }
        return writer.text
    }

    /// The UTF-8 bytes of ``serialize()``.
    public func serializedBytes() -> [UInt8] {
        Array(serialize().utf8)
    }
}

extension MediaDescription {
    fileprivate func write(to writer: inout LineWriter) {
        writer.add("m", sdpValue)
        writer.add("i", information)
        writer.add("c", connection?.sdpValue)
        writer.add("b", bandwidths.map(\.sdpValue))
        writer.add(otherLines)
        writer.add(attributes)
    }

    /// `<media> <port>[/<count>] <proto> <fmt> ...` (RFC 8866 §5.14).
    private var sdpValue: String {
        let portText = portCount.map { "\(port)/\($0)" } ?? String(port)
        return ([mediaType, portText, proto] + formats).joined(separator: " ")
    }
}

extension Origin {
    fileprivate var sdpValue: String {
        "\(username) \(sessionID) \(sessionVersion) \(netType) \(addrType) \(address)"
    }
}

extension Connection {
    fileprivate var sdpValue: String {
        "\(netType) \(addrType) \(address)"
    }
}

extension Bandwidth {
    fileprivate var sdpValue: String {
        "\(type):\(value)"
    }
}

/// Accumulates `<type>=<value>` lines, each ended by CRLF (RFC 8866 §5).
private struct LineWriter {
    private(set) var text = ""

    mutating func add(_ type: Character, _ value: String?) {
        guard let value else { return }
        text += "\(type)=\(value)\r\n"
    }

    mutating func add(_ type: Character, _ values: [String]) {
        for value in values {
            add(type, value)
        }
    }

    mutating func add(_ lines: [SDPLine]) {
        for line in lines {
            add(line.type, line.value)
        }
    }

    mutating func add(_ attributes: [Attribute]) {
        for attribute in attributes {
            add("a", attribute.value.map { "\(attribute.name):\($0)" } ?? attribute.name)
        }
    }
}
