import Flows
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WebDirectory

@Suite("Directory pages")
struct DirectoryPageTests {
    @Test("/ and /directory: HTML, landmarks, departments with hours, people with reachability")
    func directory() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            for path in ["/", "/directory"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                    #expect(response.headers[.xContentTypeOptions] == "nosniff")
                    let page = response.text
                    for landmark in ["<html lang=\"en\">", "<meta name=\"viewport\"", "<a class=\"skip\" href=\"#main\">",
                                     "<nav aria-label=\"Main\">", "<main id=\"main\"", "<form class=\"search\" role=\"search\" method=\"get\" action=\"/directory\">",
                                     "<label for=\"q\">", "role=\"status\"", "<h1>Directory</h1>", "<title>Directory – Example &amp; Co</title>",
                                     "<a href=\"/directory\" aria-current=\"page\">Directory</a>", "<script src=\"/assets/directory.js\" defer>"] {
                        #expect(page.contains(landmark), "missing \(landmark)")
                    }
                    #expect(page.contains("<h3>Sales</h3><dl class=\"facts\"><dt>Extension</dt><dd><a href=\"sip:401@example.com\">401</a></dd><dt>Members</dt><dd>Alice Archer, Bob Baker</dd><dt>Now</dt><dd><span class=\"state open\"><span aria-hidden=\"true\">●</span> Open</span> <span class=\"hint\">(office)</span></dd>"))
                    #expect(page.contains("<h3>Night Desk</h3>") && page.contains("<span class=\"state closed\"><span aria-hidden=\"true\">○</span> Closed</span> <span class=\"hint\">(late)</span>"))
                    #expect(page.contains("<h3>Lobby</h3><dl class=\"facts\"><dt>Extension</dt><dd>none</dd><dt>Members</dt><dd>none</dd><dt>Now</dt><dd>No set hours</dd>"))
                    #expect(page.contains("<h3>Alice Archer</h3><dl class=\"facts\"><dt>Extension</dt><dd><a href=\"sip:301@example.com\">301</a></dd><dt>Department</dt><dd>Sales</dd><dt>Now</dt><dd><span class=\"state yes\"><span aria-hidden=\"true\">●</span> Reachable</span>"))
                    #expect(page.contains("<h3>Bob Baker</h3>") && page.contains("<span class=\"state no\"><span aria-hidden=\"true\">○</span> Not reachable</span>"))
                    #expect(page.contains("All 4 departments and 4 people."))
                    #expect(!page.contains("\" hidden><h3>"))   // no card hidden
                }
            }
        }
    }

    @Test("Hostile names are escaped in text and attributes")
    func escaping() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/directory?q=%3Cscript%3E", method: .get) { response in
                let page = response.text
                #expect(!page.contains("<script>alert"))
                #expect(!page.contains("<Service>"))
                #expect(page.contains("<h3>Carol &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;Chen&quot;</h3>"))
                #expect(page.contains("<h3>Support &amp; &lt;Service&gt;</h3>"))
                #expect(page.contains("value=\"&lt;script&gt;\""))
                #expect(page.contains("<title>Search: &lt;script&gt; – Example &amp; Co</title>"))
                #expect(page.contains("1 department and 1 person match “&lt;script&gt;”."))
                #expect(page.contains("data-search=\"carol &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;chen&quot; carol 303 support &amp; &lt;service&gt;\">"))
                // The only script element is the page's own.
                #expect(page.components(separatedBy: "<script").count == 2)
            }
            try await client.execute(uri: "/directory?q=%22Chen%22", method: .get) { response in
                #expect(response.text.contains("value=\"&quot;Chen&quot;\""))
                #expect(response.text.contains("1 department and 1 person match “&quot;Chen&quot;”."))
            }
        }
    }

    @Test("Search without scripts: ?q= hides what does not match, ignoring case and accents; + is a space")
    func search() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/directory?q=eve", method: .get) { response in
                let page = response.text
                #expect(page.contains("1 department and 1 person match “eve”."))
                #expect(page.contains("<li class=\"card\" data-search=\"night desk night 403 eve unal\"><h3>Night Desk</h3>"))
                #expect(page.contains("<li class=\"card\" data-search=\"eve unal eve 304 night desk\"><h3>Éve Ünal</h3>"))
                #expect(page.contains("<li class=\"card\" data-search=\"sales sales 401 alice archer bob baker\" hidden>"))
                #expect(page.contains("<li class=\"card\" data-search=\"alice archer alice 301 sales\" hidden>"))
                #expect(page.contains("<p class=\"empty\" id=\"departments-empty\" hidden>"))
            }
            try await client.execute(uri: "/?q=ALICE+archer", method: .get) { response in
                #expect(response.text.contains("1 department and 1 person match “ALICE archer”."))
            }
            try await client.execute(uri: "/directory?q=40", method: .get) { response in
                #expect(response.text.contains("3 departments and 0 people match “40”."))
            }
            try await client.execute(uri: "/directory?q=nobody", method: .get) { response in
                let page = response.text
                #expect(page.contains("0 departments and 0 people match “nobody”."))
                #expect(page.contains("<p class=\"empty\" id=\"departments-empty\">No department matches.</p>"))
                #expect(page.contains("<p class=\"empty\" id=\"people-empty\">No one matches.</p>"))
            }
            try await client.execute(uri: "/directory?q=", method: .get) { response in
                #expect(response.text.contains("All 4 departments and 4 people."))
            }
        }
    }

    @Test("The search script is served with its own type and folds like the server")
    func script() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/assets/directory.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(response.text.contains(#"normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()"#))
                #expect(response.text.contains("history.replaceState"))
            }
        }
    }

    @Test("HEAD is answered like GET, unknown paths are 404")
    func headAndMissing() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/directory", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
            try await client.execute(uri: "/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}

@Suite("Flow pages, health, metrics")
struct FlowAndStatusPageTests {
    @Test("/flows lists each flow with its numbers and schedule states")
    func index() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/flows", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let page = response.text
                #expect(page.contains("<h1>Call flows</h1>"))
                #expect(page.contains("<a href=\"/flows\" aria-current=\"page\">Call flows</a>"))
                #expect(page.contains("<h2><a href=\"/flows/main\">main</a></h2><dl class=\"facts\"><dt>Numbers</dt><dd>100</dd><dt>File</dt><dd>main.yaml</dd><dt>Steps</dt><dd>6</dd><dt>Hours</dt><dd>office: <span class=\"state open\"><span aria-hidden=\"true\">●</span> Open now</span><br>late: <span class=\"state closed\"><span aria-hidden=\"true\">○</span> Closed now</span></dd>"))
            }
        }
    }

    @Test("/flows/NAME shows the SVG diagram, the schedules and the steps as text")
    func detailWithGraphviz() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/flows/main", method: .get) { response in
                #expect(response.status == .ok)
                let page = response.text
                #expect(page.contains("<h1>Flow <code>main</code></h1>"))
                #expect(page.contains("<img src=\"/flows/main/graph.svg\" alt=\"Diagram of the main flow. The same steps are listed as text under Steps.\">"))
                #expect(page.contains("<li>office: <span class=\"state open\"><span aria-hidden=\"true\">●</span> Open now</span></li>"))
                #expect(page.contains("<li id=\"step-hours\"><code>hours</code>: branch; then <a href=\"#step-menu\">menu</a> (open office), <a href=\"#step-night\">night</a> (open late), <a href=\"#step-closed\">closed</a> (else)</li>"))
                #expect(page.contains("<li id=\"step-closed\"><code>closed</code>: hangup; the flow ends here</li>"))
            }
            try await client.execute(uri: "/flows/main/graph.svg", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml")
                #expect(response.text.contains("<svg"))
                #expect(response.text.contains("open office"))
            }
        }
    }

    @Test("Without Graphviz the flow page shows the DOT text, escaped, and there is no SVG")
    func detailWithoutGraphviz() async throws {
        let missing = GraphvizSVG(launcher: "/nonexistent/env")
        try await WebFixtures.withClient(WebFixtures.site(graphviz: missing)) { client in
            try await client.execute(uri: "/flows/main", method: .get) { response in
                let page = response.text
                #expect(page.contains("Graphviz is not installed on the server"))
                #expect(page.contains("<pre><code>digraph &quot;main&quot; {"))
                #expect(!page.contains("<img"))
            }
            try await client.execute(uri: "/flows/main/graph.svg", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("An unknown flow is a 404 page naming the flows that exist, escaped")
    func unknownFlow() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/flows/%3Cb%3E", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(!response.text.contains("<b>"))
                #expect(response.text.contains("<a href=\"/flows/main\">main</a>"))
            }
        }
    }

    @Test("/healthz: 200 when the SIP listeners are up, else 503")
    func health() async throws {
        try await WebFixtures.withClient(WebFixtures.site(liveState: StaticLiveState(sipListenersUp: true))) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.text == "ok\n")
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
        try await WebFixtures.withClient(WebFixtures.site(liveState: StaticLiveState(sipListenersUp: false))) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.text == "SIP listeners are not up\n")
            }
        }
    }

    @Test("/metrics: swift-prometheus text with every family's HELP and TYPE, escaped labels")
    func metrics() async throws {
        let metrics = LiveMetrics(activeCalls: 3, callsByOutcome: ["voicemail": 2, "transferred": 5, "odd\"one\\\n": 1],
                                  transactionsByKind: ["invite-server": 9, "non-invite-server": 4],
                                  rtpPacketsSent: 1000, rtpPacketsReceived: 990,
                                  rtpLateness: .init(count: 500, sumSeconds: 0.25, maxSeconds: 0.004), voicemailDeposits: 2)
        let site = WebFixtures.site(liveState: StaticLiveState(sipListenersUp: true, metrics: metrics))
        try await WebFixtures.withClient(site) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let lines = response.text.split(separator: "\n").map(String.init)
                // The registry writes families in no fixed order; every line must be there once.
                #expect(Set(lines).count == lines.count)
                #expect(Set(lines) == [
                    "# HELP switchboard_sip_listeners_up 1 when every SIP listener is bound and serving.",
                    "# TYPE switchboard_sip_listeners_up gauge",
                    "switchboard_sip_listeners_up 1.0",
                    "# HELP switchboard_active_calls Calls in progress.",
                    "# TYPE switchboard_active_calls gauge",
                    "switchboard_active_calls 3.0",
                    "# HELP switchboard_calls_total Finished calls by how they left the flow.",
                    "# TYPE switchboard_calls_total counter",
                    #"switchboard_calls_total{outcome="odd\"one\\\n"} 1"#,
                    #"switchboard_calls_total{outcome="transferred"} 5"#,
                    #"switchboard_calls_total{outcome="voicemail"} 2"#,
                    "# HELP switchboard_sip_transactions_total SIP transactions created, by kind.",
                    "# TYPE switchboard_sip_transactions_total counter",
                    #"switchboard_sip_transactions_total{kind="invite-server"} 9"#,
                    #"switchboard_sip_transactions_total{kind="non-invite-server"} 4"#,
                    "# HELP switchboard_rtp_packets_total RTP packets, by direction.",
                    "# TYPE switchboard_rtp_packets_total counter",
                    #"switchboard_rtp_packets_total{direction="received"} 990"#,
                    #"switchboard_rtp_packets_total{direction="sent"} 1000"#,
                    "# HELP switchboard_media_ticks_total Media clock ticks that sent packets.",
                    "# TYPE switchboard_media_ticks_total counter",
                    "switchboard_media_ticks_total 500",
                    "# HELP switchboard_media_tick_lateness_seconds_total Summed lateness of those ticks (end of flush against the ideal deadline); divide by the ticks for the mean.",
                    "# TYPE switchboard_media_tick_lateness_seconds_total counter",
                    "switchboard_media_tick_lateness_seconds_total 0.25",
                    "# HELP switchboard_media_tick_lateness_max_seconds The latest media clock tick so far.",
                    "# TYPE switchboard_media_tick_lateness_max_seconds gauge",
                    "switchboard_media_tick_lateness_max_seconds 0.004",
                    "# HELP switchboard_voicemail_deposits_total Voicemail messages stored.",
                    "# TYPE switchboard_voicemail_deposits_total counter",
                    "switchboard_voicemail_deposits_total 2",
                ])
            }
        }
    }

    @Test("/metrics: each scrape moves the counters forward by what changed, never back; gauges follow")
    func metricsAcrossScrapes() async throws {
        let reading = Reading(LiveMetrics(activeCalls: 2, callsByOutcome: ["hangup": 3], rtpPacketsSent: 100,
                                          rtpLateness: .init(count: 10, sumSeconds: 0.5, maxSeconds: 0.1)))
        let live = ClosureLiveState(isReachable: { _ in false }, sipListenersUp: { true }, metrics: { reading.value })
        try await WebFixtures.withClient(WebFixtures.site(liveState: live)) { client in
            func scrape() async throws -> [String: String] {
                try await client.execute(uri: "/metrics", method: .get) { response in
                    Dictionary(response.text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
                        line.lastIndex(of: " ").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
                    }, uniquingKeysWith: { first, _ in first })
                }
            }
            #expect(try await scrape()[#"switchboard_calls_total{outcome="hangup"}"#] == "3")
            reading.value = LiveMetrics(activeCalls: 0, callsByOutcome: ["hangup": 5, "voicemail": 1], rtpPacketsSent: 250,
                                        rtpLateness: .init(count: 30, sumSeconds: 1.5, maxSeconds: 0.2), voicemailDeposits: 1)
            let second = try await scrape()
            #expect(second[#"switchboard_calls_total{outcome="hangup"}"#] == "5")
            #expect(second[#"switchboard_calls_total{outcome="voicemail"}"#] == "1")
            #expect(second[#"switchboard_rtp_packets_total{direction="sent"}"#] == "250")
            #expect(second["switchboard_media_ticks_total"] == "30")
            #expect(second["switchboard_media_tick_lateness_seconds_total"] == "1.5")
            #expect(second["switchboard_media_tick_lateness_max_seconds"] == "0.2")
            #expect(second["switchboard_active_calls"] == "0.0")
            #expect(second["switchboard_voicemail_deposits_total"] == "1")
            // A source that restarts from zero does not make a counter go down.
            reading.value = LiveMetrics(callsByOutcome: ["hangup": 1])
            let third = try await scrape()
            #expect(third[#"switchboard_calls_total{outcome="hangup"}"#] == "5")
            #expect(third[#"switchboard_rtp_packets_total{direction="sent"}"#] == "250")
        }
    }
}

/// A reading the test changes between scrapes.
final class Reading: @unchecked Sendable {
    private let lock = NSLock()
    private var current: LiveMetrics
    init(_ metrics: LiveMetrics) { current = metrics }
    var value: LiveMetrics {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}

/// A system the test can swap, as `serve` does when the flow files change.
final class SwitchableSystem: @unchecked Sendable {
    private let lock = NSLock()
    private var current: FlowSystem

    init(_ system: FlowSystem) { current = system }

    var system: FlowSystem { lock.withLock { current } }
    func replace(with system: FlowSystem) { lock.withLock { current = system } }
}

@Suite("Reloaded flows")
struct ReloadTests {
    @Test("Pages, hours and diagrams follow the system the source returns now")
    func followsReload() async throws {
        let switchable = SwitchableSystem(WebFixtures.system())
        let site = DirectorySite(systemSource: { switchable.system }, liveState: StaticLiveState(),
                                 configuration: WebFixtures.configuration())
        let renamed = WebFixtures.main.replacingOccurrences(of: "open: office", with: "open: late")
        try await WebFixtures.withClient(site) { client in
            try await client.execute(uri: "/flows/main/graph.svg", method: .get) { response in
                #expect(response.text.contains("open office"))
            }
            switchable.replace(with: WebFixtures.system(flows: ["main.yaml": renamed],
                                                        directory: WebFixtures.directory.replacingOccurrences(of: "name: Sales", with: "name: Sales Team")))
            try await client.execute(uri: "/directory", method: .get) { response in
                #expect(response.text.contains("<h3>Sales Team</h3>"))
                #expect(response.text.contains("<span class=\"state closed\"><span aria-hidden=\"true\">○</span> Closed</span> <span class=\"hint\">(late)</span>"))
            }
            try await client.execute(uri: "/flows/main/graph.svg", method: .get) { response in
                #expect(response.text.contains("open late"))
                #expect(!response.text.contains("open office"))
            }
        }
        #expect(site.snapshot().departments.first?.schedule == "late")
    }
}
