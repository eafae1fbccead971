import CoreMetrics
import NIOConcurrencyHelpers
import Prometheus

/// `/metrics`: the server's counters as swift-metrics instruments on a Prometheus registry
/// of the site's own, written out in the Prometheus text format by swift-prometheus.
///
/// The counts themselves live where the work happens (the SIP loop's transaction counts,
/// the media loop's packet counters, the call layer's outcomes) and cost nothing extra per
/// packet; each scrape reads them once (``LiveMetrics``) and moves the instruments forward
/// by what changed since the previous scrape, so the counters stay monotonic.
final class MetricsExport: Sendable {
    /// The response's content type (text exposition format 0.0.4).
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Every family's `# HELP` text, by name.
    static let descriptions: [String: String] = [
        "switchboard_sip_listeners_up": "1 when every SIP listener is bound and serving.",
        "switchboard_active_calls": "Calls in progress.",
        "switchboard_calls_total": "Finished calls by how they left the flow.",
        "switchboard_sip_transactions_total": "SIP transactions created, by kind.",
        "switchboard_rtp_packets_total": "RTP packets, by direction.",
        "switchboard_media_ticks_total": "Media clock ticks that sent packets.",
        "switchboard_media_tick_lateness_seconds_total":
            "Summed lateness of those ticks (end of flush against the ideal deadline); divide by the ticks for the mean.",
        "switchboard_media_tick_lateness_max_seconds": "The latest media clock tick so far.",
        "switchboard_voicemail_deposits_total": "Voicemail messages stored.",
    ]

    private let registry = PrometheusCollectorRegistry()
    private let factory: DescribedMetricsFactory
    private let listenersUp: CoreMetrics.Gauge
    private let activeCalls: CoreMetrics.Gauge
    private let ticks: CoreMetrics.Counter
    private let latenessSum: FloatingPointCounter
    private let latenessMax: CoreMetrics.Gauge
    private let deposits: CoreMetrics.Counter
    /// The previous reading, and the labelled counters made so far (one per label value).
    private let state = NIOLockedValueBox(State())

    private struct State {
        var previous = LiveMetrics()
        var labelled: [String: CoreMetrics.Counter] = [:]
    }

    init() {
        factory = DescribedMetricsFactory(registry: registry, descriptions: Self.descriptions)
        listenersUp = CoreMetrics.Gauge(label: "switchboard_sip_listeners_up", factory: factory)
        activeCalls = CoreMetrics.Gauge(label: "switchboard_active_calls", factory: factory)
        ticks = CoreMetrics.Counter(label: "switchboard_media_ticks_total", factory: factory)
        latenessSum = FloatingPointCounter(label: "switchboard_media_tick_lateness_seconds_total", factory: factory)
        latenessMax = CoreMetrics.Gauge(label: "switchboard_media_tick_lateness_max_seconds", factory: factory)
        deposits = CoreMetrics.Counter(label: "switchboard_voicemail_deposits_total", factory: factory)
    }

    /// Brings the instruments up to `reading` and returns the exposition text.
    func scrape(_ reading: LiveMetrics, sipListenersUp: Bool) -> String {
        state.withLockedValue { state in
            let previous = state.previous
            listenersUp.record(sipListenersUp ? 1 : 0)
            activeCalls.record(reading.activeCalls)
            latenessMax.record(reading.rtpLateness.maxSeconds)
            advance(ticks, from: previous.rtpLateness.count, to: reading.rtpLateness.count)
            if reading.rtpLateness.sumSeconds > previous.rtpLateness.sumSeconds {
                latenessSum.increment(by: reading.rtpLateness.sumSeconds - previous.rtpLateness.sumSeconds)
            }
            advance(deposits, from: previous.voicemailDeposits, to: reading.voicemailDeposits)
            let labelled: [(name: String, label: String, now: [String: Int], before: [String: Int])] = [
                ("switchboard_calls_total", "outcome", reading.callsByOutcome, previous.callsByOutcome),
                ("switchboard_sip_transactions_total", "kind", reading.transactionsByKind, previous.transactionsByKind),
                ("switchboard_rtp_packets_total", "direction",
                 ["sent": reading.rtpPacketsSent, "received": reading.rtpPacketsReceived],
                 ["sent": previous.rtpPacketsSent, "received": previous.rtpPacketsReceived]),
            ]
            for family in labelled {
                for (value, count) in family.now {
                    let key = "\(family.name)\u{0}\(value)"
                    let counter = state.labelled[key] ?? CoreMetrics.Counter(label: family.name, dimensions: [(family.label, value)],
                                                                 factory: factory)
                    state.labelled[key] = counter
                    advance(counter, from: family.before[value] ?? 0, to: count)
                }
            }
            state.previous = reading
            return registry.emitToString()
        }
    }

    /// Adds what a monotonic count gained; a count that went down (a source restarted) adds nothing.
    private func advance(_ counter: CoreMetrics.Counter, from previous: Int, to now: Int) {
        if now > previous { counter.increment(by: Int64(now - previous)) }
    }
}
