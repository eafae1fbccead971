import Flows
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOPosix

/// How the site presents itself; everything has a default.
public struct WebConfiguration: Sendable {
    /// Shown in every page's header and title.
    public var siteName: String
    /// The SIP domain for `sip:EXT@DOMAIN` links; nil shows plain extensions.
    public var sipDomain: String?
    /// Department id → schedule id, over what ``DepartmentHours`` finds in the flows.
    public var departmentSchedules: [String: String]
    /// Graphviz for the flow diagrams; nil shows the DOT text instead.
    public var graphviz: GraphvizSVG?
    /// The time "open now" is judged at, tokens are issued at and rate limits count by (tests pin it).
    public var clock: @Sendable () -> Date
    /// The "Call me" forms and `POST /call`; nil leaves them out.
    public var clickToCall: ClickToCallConfiguration?

    public init(siteName: String = "Switchboard directory", sipDomain: String? = nil,
                departmentSchedules: [String: String] = [:], graphviz: GraphvizSVG? = GraphvizSVG(),
                clock: @escaping @Sendable () -> Date = { Date() }, clickToCall: ClickToCallConfiguration? = nil) {
        self.siteName = siteName
        self.sipDomain = sipDomain
        self.departmentSchedules = departmentSchedules
        self.graphviz = graphviz
        self.clock = clock
        self.clickToCall = clickToCall
    }
}

/// The web directory's pages over one loaded ``FlowSystem`` and the server's live state:
/// `/`, `/directory`, `/flows`, `/flows/NAME`, `/flows/NAME/graph.svg`, `/healthz`,
/// `/metrics` and `/assets/directory.js` (docs/web.md).
public struct DirectorySite: Sendable {
    /// The flows and directory to show, read once per request: `serve` passes its current
    /// system, so pages follow a reload of the flow files.
    public let systemSource: @Sendable () -> FlowSystem
    public let liveState: any DirectoryLiveState
    public let configuration: WebConfiguration
    private let graphs: GraphCache
    private let limiter: RateLimiter?

    /// A site over a fixed system.
    public init(system: FlowSystem, liveState: any DirectoryLiveState, configuration: WebConfiguration = WebConfiguration()) {
        self.init(systemSource: { system }, liveState: liveState, configuration: configuration)
    }

    /// A site over whatever system `systemSource` returns at each request.
    public init(systemSource: @escaping @Sendable () -> FlowSystem, liveState: any DirectoryLiveState,
                configuration: WebConfiguration = WebConfiguration()) {
        self.systemSource = systemSource
        self.liveState = liveState
        self.configuration = configuration
        self.graphs = GraphCache(renderer: configuration.graphviz)
        self.limiter = configuration.clickToCall.map { RateLimiter(burst: $0.burst, refillInterval: $0.refillInterval) }
    }

    /// The system now.
    public var system: FlowSystem { systemSource() }

    /// Which schedule decides each department's hours in `system` (with the configured overrides).
    public func hours(in system: FlowSystem) -> DepartmentHours {
        DepartmentHours(system: system, overrides: configuration.departmentSchedules)
    }

    /// The directory now without asking who is reachable: what the 380/300 bodies show.
    public func snapshot() -> DirectoryListing {
        let system = self.system
        return DirectoryListing(directory: system.directory, hours: hours(in: system), at: configuration.clock(), reachable: nil)
    }

    /// The directory now, with reachability from the live state.
    public func listing() async -> DirectoryListing {
        let system = self.system
        return await DirectoryListing.current(directory: system.directory, hours: hours(in: system), at: configuration.clock(),
                                              liveState: liveState)
    }

    /// A router serving every page (HEAD answered like GET), with the security headers.
    public func makeRouter() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: SecurityHeaders())
        router.get("/") { request, _ in try await directoryPage(request) }
        router.get("/directory") { request, _ in try await directoryPage(request) }
        router.get("/assets/directory.js") { _, _ in
            Self.response(.ok, "text/javascript; charset=utf-8", DirectoryPage.script, cache: "max-age=300")
        }
        router.get("/flows") { _, _ in
            Self.html(.ok, FlowPages.index(self.system, at: configuration.clock(), siteName: configuration.siteName))
        }
        router.get("/flows/:name") { _, context in try await flowPage(context.parameters.get("name") ?? "") }
        router.get("/flows/:name/graph.svg") { _, context in try await flowGraph(context.parameters.get("name") ?? "") }
        router.get("/healthz") { _, _ in
            await liveState.sipListenersUp
                ? Self.response(.ok, "text/plain; charset=utf-8", "ok\n")
                : Self.response(.serviceUnavailable, "text/plain; charset=utf-8", "SIP listeners are not up\n")
        }
        if let clickToCall = configuration.clickToCall, let limiter {
            router.post("/call") { request, context in
                try await ClickToCallHandler(site: self, settings: clickToCall, limiter: limiter).handle(request, context: context)
            }
        }
        let metrics = MetricsExport()
        router.get("/metrics") { _, _ in
            let text = metrics.scrape(await liveState.metrics(), sipListenersUp: await liveState.sipListenersUp)
            return Self.response(.ok, MetricsExport.contentType, text)
        }
        return router
    }

    private func directoryPage(_ request: Request) async throws -> Response {
        let query = String((Self.queryValue("q", in: request.uri.query) ?? "").prefix(200))
        guard let clickToCall = configuration.clickToCall else {
            return Self.html(.ok, DirectoryPage.render(await listing(), query: query, siteName: configuration.siteName,
                                                       sipDomain: configuration.sipDomain))
        }
        let existing = request.cookies[ClickToCallHandler.cookieName]?.value
        let session = existing.flatMap { FormTokens.isSession($0) ? $0 : nil } ?? FormTokens.newSession()
        let token = clickToCall.tokens.issue(session: session, at: configuration.clock())
        var response = Self.html(.ok, DirectoryPage.render(await listing(), query: query, siteName: configuration.siteName,
                                                           sipDomain: configuration.sipDomain, callToken: token))
        if session != existing { response.setCookie(ClickToCallHandler.cookie(session)) }
        return response
    }

    private func flowPage(_ name: String) async throws -> Response {
        let system = self.system
        guard let flow = system.flow(named: name) else {
            return Self.html(.notFound, FlowPages.notFound(name, system: system, siteName: configuration.siteName))
        }
        let svg = await graphs.svg(for: flow)
        return Self.html(.ok, FlowPages.detail(flow, directory: system.directory, at: configuration.clock(),
                                               siteName: configuration.siteName, svgAvailable: svg != nil))
    }

    private func flowGraph(_ name: String) async throws -> Response {
        guard let flow = self.system.flow(named: name), let svg = await graphs.svg(for: flow) else {
            return Self.response(.notFound, "text/plain; charset=utf-8", "no diagram for this flow\n")
        }
        return Response(status: .ok, headers: [.contentType: "image/svg+xml", .cacheControl: "max-age=300"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: svg)))
    }

    /// The first value of `name` in a query string, `+` read as a space and %-escapes decoded
    /// (HTML forms' `application/x-www-form-urlencoded`).
    static func queryValue(_ name: String, in query: String?) -> String? {
        guard let query else { return nil }
        func decode(_ part: Substring) -> String {
            let spaced = part.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if decode(parts[0]) == name { return parts.count > 1 ? decode(parts[1]) : "" }
        }
        return nil
    }

    static func html(_ status: HTTPResponse.Status, _ page: String) -> Response {
        response(status, "text/html; charset=utf-8", page, cache: "no-cache")
    }

    static func response(_ status: HTTPResponse.Status, _ contentType: String, _ text: String, cache: String = "no-store") -> Response {
        Response(status: status, headers: [.contentType: contentType, .cacheControl: cache],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}

/// The request context: Hummingbird's core storage plus the peer's address (the
/// click-to-call rate limit counts by it; proxies' forwarding headers are not trusted).
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer's IP address, if known.
    public let remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// Headers on every answer: no sniffing, no framing, no referrer, and a content security
/// policy that allows only the inline stylesheet, this site's script and its images.
struct SecurityHeaders<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self'; "
            + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] = Self.policy
        if let referrer = HTTPField.Name("Referrer-Policy") { response.headers[referrer] = "no-referrer" }
        return response
    }
}

/// Each flow's SVG, drawn once by Graphviz on NIO's blocking-work thread pool (never on an
/// event loop or the cooperative pool) and kept by its DOT text, so a reloaded flow is drawn
/// anew; a failure is kept too, as "no diagram". At most `limit` drawings are kept.
actor GraphCache {
    private let renderer: GraphvizSVG?
    private let limit: Int
    private var drawn: [String: Data?] = [:]

    init(renderer: GraphvizSVG?, limit: Int = 256) {
        self.renderer = renderer
        self.limit = limit
    }

    func svg(for flow: Flow) async -> Data? {
        let dot = DotRenderer().render(flow)
        if let known = drawn[dot] { return known }
        guard let renderer else { return nil }
        let svg = try? await NIOThreadPool.singleton.runIfActive { try renderer.render(dot) }
        if drawn.count >= limit { drawn.removeAll() }
        drawn[dot] = .some(svg)
        return svg
    }
}
