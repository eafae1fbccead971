/// `/metrics`: the Prometheus text exposition format (version 0.0.4), written by hand from a
/// ``LiveMetrics`` reading — the values are pulled from the live state at scrape time, so no
/// metrics backend is needed.
enum MetricsText {
    /// The response's content type.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every family with `# HELP` and `# TYPE`; labelled families sorted by label value.
    static func render(_ metrics: LiveMetrics, sipListenersUp: Bool) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(suffix: String, labels: String, value: String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for sample in samples { out += "\(name)\(sample.suffix)\(sample.labels) \(sample.value)\n" }
        }
        func labelled(_ label: String, _ values: [String: Int]) -> [(suffix: String, labels: String, value: String)] {
            values.sorted { $0.key < $1.key }.map { ("", "{\(label)=\"\(escapeLabel($0.key))\"}", "\($0.value)") }
        }
        family("switchboard_sip_listeners_up", "gauge", "1 when every SIP listener is bound and serving.",
               [("", "", sipListenersUp ? "1" : "0")])
        family("switchboard_active_calls", "gauge", "Calls in progress.", [("", "", "\(metrics.activeCalls)")])
        family("switchboard_calls_total", "counter", "Finished calls by how they left the flow.",
               labelled("outcome", metrics.callsByOutcome))
        family("switchboard_sip_transactions_total", "counter", "SIP transactions created, by kind.",
               labelled("kind", metrics.transactionsByKind))
        family("switchboard_rtp_packets_total", "counter", "RTP packets, by direction.",
               labelled("direction", ["received": metrics.rtpPacketsReceived, "sent": metrics.rtpPacketsSent]))
        family("switchboard_rtp_lateness_seconds", "summary", "How late the media clock's ticks ran.", [
            ("_sum", "", number(metrics.rtpLateness.sumSeconds)),
            ("_count", "", "\(metrics.rtpLateness.count)"),
        ])
        family("switchboard_rtp_lateness_max_seconds", "gauge", "The latest media clock tick so far.",
               [("", "", number(metrics.rtpLateness.maxSeconds))])
        family("switchboard_voicemail_deposits_total", "counter", "Voicemail messages stored.",
               [("", "", "\(metrics.voicemailDeposits)")])
        return out
    }

    /// A label value with `\`, `"` and line feeds escaped.
    static func escapeLabel(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// A sample value as Prometheus reads floats (`NaN`, `+Inf`, `-Inf` spelled its way).
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }
}
