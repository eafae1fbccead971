import Foundation
import HTTPTypes
import Hummingbird

/// `POST /call` (the "Call me" form): rate limit by source, then the anti-forgery token
/// against the session cookie, then the number and target against the directory, then the
/// application's ``ClickToCallStarter``. Each refusal is a page saying why, with its status:
/// 429 (with `Retry-After`), 403, 400, 413, or 503 when the call could not start; 202 when it did.
struct ClickToCallHandler {
    /// The session cookie the tokens are bound to.
    static let cookieName = "sb_session"
    /// The largest form accepted.
    static let maxBody = 4096

    let site: DirectorySite
    let settings: ClickToCallConfiguration
    let limiter: RateLimiter

    /// The session cookie: script-proof, never sent with another site's requests.
    static func cookie(_ session: String) -> Cookie {
        Cookie(name: cookieName, value: session, path: "/", httpOnly: true, sameSite: .strict)
    }

    func handle(_ request: Request, context: WebRequestContext) async throws -> Response {
        let now = site.configuration.clock()
        let source = context.remoteAddress ?? "unknown"
        guard await limiter.allow(source, at: now) else {
            var response = page(.tooManyRequests, "Too many requests", "Please wait a minute before asking for another call.")
            response.headers[.retryAfter] = "\(await limiter.retryAfter(source, at: now))"
            return response
        }
        var request = request
        let body: ByteBuffer
        do { body = try await request.collectBody(upTo: Self.maxBody) } catch {
            return page(.contentTooLarge, "Form too large", "The form was larger than it can be.")
        }
        let form = String(buffer: body)
        let field = { (name: String) in DirectorySite.queryValue(name, in: form) ?? "" }
        guard let session = request.cookies[Self.cookieName]?.value, FormTokens.isSession(session),
              settings.tokens.verify(field("token"), session: session, at: now, lifetime: settings.tokenLifetime) else {
            return page(.forbidden, "Form expired", "This form is too old or did not come from this site. Please try again from the directory.")
        }
        switch ClickToCallPolicy.check(number: field("number"), target: field("target"), directory: site.system.directory) {
        case .failure(let rejection):
            let status: HTTPResponse.Status = rejection == .malformedNumber || rejection == .unknownTarget ? .badRequest : .forbidden
            return page(status, "No call", rejection.description)
        case .success(let call):
            do {
                try await settings.starter.startCall(callback: call.callback, target: call.target)
            } catch {
                return page(.serviceUnavailable, "No call", "The call could not be started. Please try again later.")
            }
            let name = targetName(call.target)
            return page(.accepted, "Calling you", "We are calling \(call.callback) now. Answer, and you will be connected to \(name).")
        }
    }

    private func targetName(_ target: String) -> String {
        let id = String(target.split(separator: "/", maxSplits: 1).last ?? "")
        let directory = site.system.directory
        return target.hasPrefix("department/") ? directory.department(id)?.displayName ?? id : directory.person(id)?.displayName ?? id
    }

    /// A short result page (text is escaped here).
    private func page(_ status: HTTPResponse.Status, _ title: String, _ message: String) -> Response {
        let main = """
        <h1>\(HTML.escape(title))</h1>
        <p role="status">\(HTML.escape(message))</p>
        <p><a href="/directory">Back to the directory</a></p>
        """
        return DirectorySite.html(status, HTML.page(title: title, siteName: site.configuration.siteName, section: .other, main: main))
    }
}
