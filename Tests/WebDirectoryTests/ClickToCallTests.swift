import Flows
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WebDirectory

/// Records the calls it is asked to start; fails them when told to.
actor RecordingStarter: ClickToCallStarter {
    private(set) var calls: [String] = []
    private let fails: Bool

    init(fails: Bool = false) { self.fails = fails }

    func startCall(callback: String, target: String) async throws {
        if fails { throw CancellationError() }
        calls.append("\(callback) → \(target)")
    }
}

@Suite("Click-to-call: tokens, rate limit, policy, the form")
struct ClickToCallTests {
    static let tokens = FormTokens(secret: Array("test secret, thirty-two bytes!!!".utf8))
    static let session = "abcdefghijklmnopqrstuv"

    @Test("Tokens verify for their session within their lifetime only")
    func formTokens() {
        let issued = WebFixtures.mondayMorning
        let token = Self.tokens.issue(session: Self.session, at: issued)
        #expect(token.hasPrefix("1796029200."))
        #expect(Self.tokens.verify(token, session: Self.session, at: issued.addingTimeInterval(3599), lifetime: 3600))
        #expect(!Self.tokens.verify(token, session: Self.session, at: issued.addingTimeInterval(3601), lifetime: 3600))
        #expect(!Self.tokens.verify(token, session: Self.session, at: issued.addingTimeInterval(-61), lifetime: 3600))
        #expect(!Self.tokens.verify(token, session: "bcdefghijklmnopqrstuvw", at: issued, lifetime: 3600))
        #expect(!FormTokens(secret: Array("another key".utf8)).verify(token, session: Self.session, at: issued, lifetime: 3600))
        let later = "1796029300." + token.split(separator: ".")[1]   // a forged, fresher time
        #expect(!Self.tokens.verify(later, session: Self.session, at: issued.addingTimeInterval(200), lifetime: 3600))
        for garbage in ["", ".", "x.y", "1796029200", "1796029200.!!!", "-.AAAA"] {
            #expect(!Self.tokens.verify(garbage, session: Self.session, at: issued, lifetime: 3600), "\(garbage)")
        }
        let fresh = FormTokens.newSession()
        #expect(FormTokens.isSession(fresh) && fresh != FormTokens.newSession())
        #expect(!FormTokens.isSession("short") && !FormTokens.isSession("abcdefghijklmnopqrst;v"))
    }

    @Test("Rate limit: a burst, then one per interval, per source; the table stays bounded")
    func rateLimiter() async {
        let limiter = RateLimiter(burst: 3, refillInterval: 60, maxSources: 2)
        let start = WebFixtures.mondayMorning
        for _ in 0..<3 { #expect(await limiter.allow("a", at: start)) }
        #expect(!(await limiter.allow("a", at: start)))
        #expect(await limiter.retryAfter("a", at: start) == 60)
        #expect(await limiter.retryAfter("a", at: start.addingTimeInterval(45)) == 15)
        #expect(await limiter.allow("b", at: start))   // other sources are not affected
        #expect(!(await limiter.allow("a", at: start.addingTimeInterval(59))))
        #expect(await limiter.allow("a", at: start.addingTimeInterval(60)))
        #expect(!(await limiter.allow("a", at: start.addingTimeInterval(61))))
        // A third source evicts the idlest ("b"), which then starts afresh.
        #expect(await limiter.allow("c", at: start.addingTimeInterval(62)))
        for _ in 0..<3 { #expect(await limiter.allow("b", at: start.addingTimeInterval(63))) }
    }

    @Test("Policy: outside numbers by the outbound patterns, or extensions; known targets with extensions")
    func policy() {
        let directory = WebFixtures.system().directory
        func check(_ number: String, _ target: String) -> String {
            switch ClickToCallPolicy.check(number: number, target: target, directory: directory) {
            case .success(let call): "\(call.callback) → \(call.target)"
            case .failure(let rejection): "\(rejection)"
            }
        }
        #expect(check("+49 30 1234-567", "department/sales") == "+49301234567 → department/sales")
        #expect(check("(302)", "person/alice") == "302 → person/alice")
        #expect(check("+44 20 7946 0000", "department/sales") == ClickToCallPolicy.Rejection.numberNotAllowed("+442079460000").description)
        #expect(check("0900 123", "department/sales") == ClickToCallPolicy.Rejection.numberNotAllowed("0900123").description)
        // A SIP URI is taken as typed but must itself match an allowed pattern.
        #expect(check(" sip:x@y ", "department/sales") == ClickToCallPolicy.Rejection.numberNotAllowed("sip:x@y").description)
        for bad in ["", "+", "1", "12a", "sip:", "sip:a b@c", "sip:<x@y>", String(repeating: "1", count: 21), "١٢٣"] {
            #expect(check(bad, "department/sales") == ClickToCallPolicy.Rejection.malformedNumber.description, "\(bad)")
        }
        for target in ["department/lobby", "department/nope", "person/nobody", "sales", "room/sales", ""] {
            #expect(check("302", target) == ClickToCallPolicy.Rejection.unknownTarget.description, "\(target)")
        }
    }

    /// The site with click-to-call on (burst 3) and a clock the test can move.
    static func site(starter: RecordingStarter, clock: @escaping @Sendable () -> Date = { WebFixtures.mondayMorning }) -> DirectorySite {
        WebFixtures.site(clickToCall: ClickToCallConfiguration(starter: starter, tokens: tokens, burst: 3), clock: clock)
    }

    /// GETs the directory, returning the session cookie header and the form's token.
    static func openForm(_ client: any TestClientProtocol) async throws -> (cookie: String, token: String) {
        try await client.execute(uri: "/directory", method: .get) { response in
            let setCookie = try #require(response.headers[.setCookie])
            let attributes = Set(setCookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes == ["Path=/", "HttpOnly", "SameSite=Strict"])
            let cookie = String(try #require(setCookie.split(separator: ";").first))
            let page = response.text
            let marker = "name=\"token\" value=\""
            let start = try #require(page.range(of: marker)).upperBound
            let end = try #require(page[start...].firstIndex(of: "\""))
            return (cookie, String(page[start..<end]))
        }
    }

    static func post(_ client: any TestClientProtocol, cookie: String?, _ form: String,
                     _ check: @escaping (TestResponse) async throws -> Void) async throws {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        try await client.execute(uri: "/call", method: .post, headers: headers, body: ByteBuffer(string: form), testCallback: check)
    }

    @Test("The directory gets a labelled form per card with an extension, and a session cookie once")
    func form() async throws {
        try await WebFixtures.withClient(Self.site(starter: RecordingStarter())) { client in
            let (cookie, token) = try await Self.openForm(client)
            try await client.execute(uri: "/directory", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.headers[.setCookie] == nil)   // the session is kept
                let page = response.text
                #expect(page.contains("<form class=\"call\" method=\"post\" action=\"/call\"><input type=\"hidden\" name=\"target\" value=\"department/sales\"><input type=\"hidden\" name=\"token\" value=\"\(token)\"><label for=\"call-department-sales\">Your number or SIP address<span class=\"visually-hidden\">, to be connected to Sales</span></label><input id=\"call-department-sales\" name=\"number\" type=\"text\" inputmode=\"tel\" autocomplete=\"tel\" required maxlength=\"256\"><button type=\"submit\">Call me</button></form>"))
                #expect(page.contains("to be connected to Carol &lt;script&gt;"))
                #expect(page.components(separatedBy: "<form class=\"call\"").count == 8)   // 3 departments + 4 people; Lobby has no extension
            }
        }
    }

    @Test("A good post starts the call and says so (202)")
    func accepted() async throws {
        let starter = RecordingStarter()
        try await WebFixtures.withClient(Self.site(starter: starter)) { client in
            let (cookie, token) = try await Self.openForm(client)
            try await Self.post(client, cookie: cookie, "target=department%2Fsales&token=\(token)&number=%2B49+30+1234567") { response in
                #expect(response.status == .accepted)
                #expect(response.text.contains("We are calling +49301234567 now. Answer, and you will be connected to Sales."))
            }
        }
        #expect(await starter.calls == ["+49301234567 → department/sales"])
    }

    @Test("Refusals: no cookie or a bad token 403, a bad number 400, a forbidden one 403, a failed start 503")
    func refusals() async throws {
        let starter = RecordingStarter()
        try await WebFixtures.withClient(Self.site(starter: starter)) { client in
            let (cookie, token) = try await Self.openForm(client)
            try await Self.post(client, cookie: nil, "target=person%2Falice&token=\(token)&number=302") { response in
                #expect(response.status == .forbidden)
                #expect(response.text.contains("<h1>Form expired</h1>"))
            }
            try await Self.post(client, cookie: cookie, "target=person%2Falice&token=1796029200.AAAA&number=302") { response in
                #expect(response.status == .forbidden)
            }
        }
        try await WebFixtures.withClient(Self.site(starter: starter)) { client in
            let (cookie, token) = try await Self.openForm(client)
            try await Self.post(client, cookie: cookie, "target=person%2Falice&token=\(token)&number=%3Cb%3E") { response in
                #expect(response.status == .badRequest)
                #expect(response.text.contains("That is not a phone number"))
            }
            try await Self.post(client, cookie: cookie, "target=person%2Falice&token=\(token)&number=%2B1900555") { response in
                #expect(response.status == .forbidden)
                #expect(response.text.contains("Calls to +1900555 cannot be made from here."))
            }
        }
        #expect(await starter.calls == [])
        try await WebFixtures.withClient(Self.site(starter: RecordingStarter(fails: true))) { client in
            let (cookie, token) = try await Self.openForm(client)
            try await Self.post(client, cookie: cookie, "target=person%2Falice&token=\(token)&number=302") { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test("The fourth post in a minute from one source is 429 with Retry-After; an oversized form is 413")
    func limits() async throws {
        let starter = RecordingStarter()
        try await WebFixtures.withClient(Self.site(starter: starter)) { client in
            let (cookie, token) = try await Self.openForm(client)
            for _ in 0..<3 {
                try await Self.post(client, cookie: cookie, "target=person%2Fbob&token=\(token)&number=301") { response in
                    #expect(response.status == .accepted)
                }
            }
            try await Self.post(client, cookie: cookie, "target=person%2Fbob&token=\(token)&number=301") { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "60")
            }
        }
        #expect(await starter.calls.count == 3)
        try await WebFixtures.withClient(Self.site(starter: starter)) { client in
            let (cookie, _) = try await Self.openForm(client)
            try await Self.post(client, cookie: cookie, "number=" + String(repeating: "1", count: 5000)) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }

    @Test("Without click-to-call there is no form and no /call")
    func off() async throws {
        try await WebFixtures.withClient(WebFixtures.site()) { client in
            try await client.execute(uri: "/directory", method: .get) { response in
                #expect(!response.text.contains("<form class=\"call\""))
                #expect(response.headers[.setCookie] == nil)
            }
            try await client.execute(uri: "/call", method: .post, body: ByteBuffer(string: "number=1")) { response in
                #expect(response.status != .accepted)
            }
        }
    }
}
