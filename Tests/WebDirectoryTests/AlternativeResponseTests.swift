import Flows
import Foundation
import Testing
import WebDirectory

@Suite("380 and 300 alternative-service responses")
struct AlternativeResponseTests {
    static let body = """
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>Example &amp; Co</title></head><body>
    <h1>Example &amp; Co</h1>
    <p><a href="http://pbx.example.com:8080/directory">The full directory</a></p>
    <h2>Departments</h2>
    <ul><li><a href="sip:401@example.com">Sales</a> 401 (open)</li><li><a href="sip:402@example.com">Support &amp; &lt;Service&gt;</a> 402 (open)</li>\
    <li><a href="sip:403@example.com">Night Desk</a> 403 (closed)</li><li>Lobby</li></ul>
    <h2>People</h2>
    <ul><li><a href="sip:301@example.com">Alice Archer</a> 301</li><li><a href="sip:302@example.com">Bob Baker</a> 302</li>\
    <li><a href="sip:303@example.com">Carol &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;Chen&quot;</a> 303</li>\
    <li><a href="sip:304@example.com">Éve Ünal</a> 304</li></ul>
    </body></html>

    """

    static func snapshot() -> DirectoryListing { WebFixtures.site().snapshot() }

    @Test("380 Alternative Service: Call-Info to the page, an optional HTML body")
    func alternativeService() {
        let response = AlternativeResponses.alternativeService(Self.snapshot(), webBase: "http://pbx.example.com:8080/",
                                                               sipDomain: "example.com", siteName: "Example & Co")
        #expect(response.status == 380)
        #expect(response.reason == "Alternative Service")
        #expect(response.headers.map { "\($0.name): \($0.value)" } == [
            "Call-Info: <http://pbx.example.com:8080/directory>;purpose=info",
            "Content-Type: text/html;charset=utf-8",
            "Content-Disposition: render;handling=optional",
        ])
        #expect(response.body == Self.body)
    }

    @Test("300 Multiple Choices: departments as Contacts, open first, q descending")
    func multipleChoices() throws {
        let response = try #require(AlternativeResponses.multipleChoices(Self.snapshot(), webBase: "http://pbx.example.com:8080",
                                                                         sipDomain: "example.com", siteName: "Example & Co"))
        #expect(response.status == 300)
        #expect(response.reason == "Multiple Choices")
        #expect(response.headers.map { "\($0.name): \($0.value)" } == [
            "Contact: \"Sales\" <sip:401@example.com>;q=1.0",
            "Contact: \"Support & <Service>\" <sip:402@example.com>;q=0.9",
            "Contact: \"Night Desk\" <sip:403@example.com>;q=0.8",
            "Call-Info: <http://pbx.example.com:8080/directory>;purpose=info",
            "Content-Type: text/html;charset=utf-8",
            "Content-Disposition: render;handling=optional",
        ])
        #expect(response.values(of: "contact").count == 3)
        #expect(response.body == Self.body)
    }

    @Test("Closed departments rank after open ones and those without hours")
    func ranking() throws {
        var listing = Self.snapshot()
        listing.departments[0].isOpen = false   // Sales closed
        listing.departments[3].extensionNumber = "499"   // Lobby, no hours
        let response = try #require(AlternativeResponses.multipleChoices(listing, webBase: "http://h", sipDomain: "d"))
        #expect(response.values(of: "Contact") == [
            "\"Support & <Service>\" <sip:402@d>;q=1.0",
            "\"Lobby\" <sip:499@d>;q=0.9",
            "\"Sales\" <sip:401@d>;q=0.8",
            "\"Night Desk\" <sip:403@d>;q=0.7",
        ])
    }

    @Test("No department with an extension: no 300")
    func noContacts() {
        let listing = DirectoryListing(departments: [], people: [])
        #expect(AlternativeResponses.multipleChoices(listing, webBase: "http://h", sipDomain: "d") == nil)
    }

    @Test("q-values: at most three decimals, strictly descending")
    func qValues() {
        #expect(AlternativeResponses.qValues(count: 0) == [])
        #expect(AlternativeResponses.qValues(count: 3) == ["1.0", "0.9", "0.8"])
        #expect(AlternativeResponses.qValues(count: 10).last == "0.1")
        let eleven = AlternativeResponses.qValues(count: 11)
        #expect(eleven.prefix(3) == ["1.0", "0.99", "0.98"] && eleven.last == "0.9")
        let many = AlternativeResponses.qValues(count: 150)
        #expect(many.prefix(2) == ["1.0", "0.999"] && many.last == "0.851")
        #expect(AlternativeResponses.qValues(count: 1200).suffix(2) == ["0.001", "0.001"])
        for values in [eleven, many] {
            let numbers = values.compactMap(Double.init)
            #expect(numbers.count == values.count && zip(numbers, numbers.dropFirst()).allSatisfy { $0 > $1 })
        }
    }

    @Test("SIP URIs escape the user part; the page URL cannot close the angle brackets")
    func escaping() {
        #expect(AlternativeResponses.sipURI(user: "401", domain: "example.com") == "sip:401@example.com")
        #expect(AlternativeResponses.sipURI(user: "a b@c<ü", domain: "d") == "sip:a%20b%40c%3C%C3%BC@d")
        let response = AlternativeResponses.alternativeService(DirectoryListing(departments: [], people: []),
                                                               webBase: "http://h/x>y \"z", sipDomain: "d")
        #expect(response.values(of: "Call-Info") == ["<http://h/x%3Ey%20%22z/directory>;purpose=info"])
    }
}

@Suite("docs/web.md examples")
struct DocumentedExampleTests {
    /// The repository's `flows/` directory.
    static let flows = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("flows").path

    /// The text between the first "SIP/2.0 <status>" line after `marker` in docs/web.md and the closing fence.
    static func documented(_ status: String) throws -> String {
        let docs = URL(fileURLWithPath: flows).deletingLastPathComponent().appendingPathComponent("docs/web.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let start = try #require(text.range(of: "SIP/2.0 \(status)"))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        return String(text[start.lowerBound..<end.lowerBound])
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }   // the 300 example is indented in a list
            .joined(separator: "\n")
    }

    static func message(_ response: AlternativeResponse, body: String) -> String {
        (["SIP/2.0 \(response.status) \(response.reason)"] + response.headers.map { "\($0.name): \($0.value)" } + ["", body])
            .joined(separator: "\n")
    }

    @Test("The 380 and 300 in docs/web.md are what the builders make of the shipped flows")
    func documentedMessages() throws {
        let (system, _) = FlowSystemLoader().load(directory: Self.flows)
        let site = DirectorySite(system: system, liveState: StaticLiveState(),
                                 configuration: WebConfiguration(clock: { WebFixtures.mondayMorning }))
        let listing = site.snapshot()
        let alternative = AlternativeResponses.alternativeService(listing, webBase: "http://pbx.example.com:8080",
                                                                  sipDomain: "example.com", siteName: "Example GmbH")
        #expect(Self.message(alternative, body: alternative.body) == (try Self.documented("380")))
        let choices = try #require(AlternativeResponses.multipleChoices(listing, webBase: "http://pbx.example.com:8080",
                                                                        sipDomain: "example.com", siteName: "Example GmbH"))
        #expect(Self.message(choices, body: "(the same body)\n") == (try Self.documented("300")))
        #expect(choices.body == alternative.body)
    }
}
