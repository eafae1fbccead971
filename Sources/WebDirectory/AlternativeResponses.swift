/// A SIP response described without SIP types, for the application to turn into a message:
/// the status line, the header fields in order, the body. The application adds Via, From,
/// To, Call-ID, CSeq and Content-Length as for any response to the request.
public struct AlternativeResponse: Sendable {
    public var status: Int
    public var reason: String
    public var headers: [(name: String, value: String)]
    public var body: String

    public init(status: Int, reason: String, headers: [(name: String, value: String)], body: String) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The values of every header field called `name` (case-insensitive), in order.
    public func values(of name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }
}

/// The `web-directory` step's answers (docs/web.md): instead of audio, the caller's user
/// agent gets the directory — `380 Alternative Service` (RFC 3261 §21.3.7) with the
/// directory page in `Call-Info` and a compact HTML directory as the body, or `300 Multiple
/// Choices` (§21.3.1) that also lists the departments as `Contact`s to redirect to.
public enum AlternativeResponses {
    /// `380 Alternative Service`. `webBase` is the web directory's origin as callers reach
    /// it (`http://pbx.example.com:8080`); `sipDomain` makes the `sip:` links in the body.
    public static func alternativeService(_ listing: DirectoryListing, webBase: String, sipDomain: String,
                                          siteName: String = "Directory") -> AlternativeResponse {
        AlternativeResponse(status: 380, reason: "Alternative Service",
                            headers: common(webBase: webBase),
                            body: compactBody(listing, webBase: webBase, sipDomain: sipDomain, siteName: siteName))
    }

    /// `300 Multiple Choices`: the 380's headers and body, plus one `Contact` per department
    /// with an extension, `sip:EXT@DOMAIN` with its display name, and q-values descending —
    /// open departments first, then those without set hours, then closed ones, each group in
    /// the directory's order (``qValues(count:)``). Nil when no department has an extension
    /// (answer 380 then).
    public static func multipleChoices(_ listing: DirectoryListing, webBase: String, sipDomain: String,
                                       siteName: String = "Directory") -> AlternativeResponse? {
        let reachable = listing.departments.filter { $0.extensionNumber != nil }
        guard !reachable.isEmpty else { return nil }
        let ranked = reachable.enumerated().sorted { lhs, rhs in
            let (left, right) = (rank(lhs.element), rank(rhs.element))
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
        let contacts = zip(ranked, qValues(count: ranked.count)).map { department, q in
            (name: "Contact", value: "\(quotedString(department.name)) <\(sipURI(user: department.extensionNumber ?? "", domain: sipDomain))>;q=\(q)")
        }
        return AlternativeResponse(status: 300, reason: "Multiple Choices",
                                   headers: contacts + common(webBase: webBase),
                                   body: compactBody(listing, webBase: webBase, sipDomain: sipDomain, siteName: siteName))
    }

    /// `count` q-values (RFC 3261 §20.10 `qvalue`, at most three decimals), strictly
    /// descending from 1.0: steps of 0.1 for up to ten, of 0.01 up to a hundred, else 0.001
    /// (the 1000th and later all get 0.001).
    public static func qValues(count: Int) -> [String] {
        let step = count <= 10 ? 100 : count <= 100 ? 10 : 1
        return (0..<max(count, 0)).map { index in
            let thousandths = max(1000 - index * step, 1)
            if thousandths == 1000 { return "1.0" }
            var digits = String(thousandths)
            while digits.count < 3 { digits = "0" + digits }
            while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
            return "0." + digits
        }
    }

    /// `sip:USER@DOMAIN`, with the user part's reserved characters escaped (§25.1 `user`).
    public static func sipURI(user: String, domain: String) -> String {
        var escaped = ""
        for byte in user.utf8 {
            let character = Character(Unicode.Scalar(byte))
            let unreserved = byte < 0x80 && (character.isLetter || character.isNumber || "-_.!~*'()&=+$,;?/".contains(character))
            escaped += unreserved ? String(character) : "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
        }
        return "sip:\(escaped)@\(domain)"
    }

    /// The headers both answers carry: the page (§20.9 `Call-Info`, purpose `info`), and a
    /// body the phone may show or ignore (§20.11 `render`, `handling=optional`).
    private static func common(webBase: String) -> [(name: String, value: String)] {
        [
            (name: "Call-Info", value: "<\(directoryURL(webBase))>;purpose=info"),
            (name: "Content-Type", value: "text/html;charset=utf-8"),
            (name: "Content-Disposition", value: "render;handling=optional"),
        ]
    }

    /// `webBase` + `/directory`, with characters that could end the `<…>` escaped.
    static func directoryURL(_ webBase: String) -> String {
        var base = webBase
        while base.hasSuffix("/") { base.removeLast() }
        var safe = ""
        for character in base + "/directory" {
            switch character {
            case "<", ">", "\"", " ", "\r", "\n", "\t": safe += "%" + String(character.asciiValue ?? 0, radix: 16, uppercase: true).leftPadded(to: 2)
            default: safe.append(character)
            }
        }
        return safe
    }

    /// The body: a small HTML page with a link to the full directory, the departments (with
    /// their hours state) and the people, each linked by `sip:` URI.
    static func compactBody(_ listing: DirectoryListing, webBase: String, sipDomain: String, siteName: String) -> String {
        func link(_ name: String, _ number: String?) -> String {
            guard let number else { return HTML.escape(name) }
            return "<a href=\"\(HTML.escape(sipURI(user: number, domain: sipDomain)))\">\(HTML.escape(name))</a> \(HTML.escape(number))"
        }
        let departments = listing.departments.map { department -> String in
            let state = department.isOpen.map { $0 ? " (open)" : " (closed)" } ?? ""
            return "<li>\(link(department.name, department.extensionNumber))\(state)</li>"
        }
        let people = listing.people.map { "<li>\(link($0.name, $0.extensionNumber))</li>" }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(HTML.escape(siteName))</title></head><body>
        <h1>\(HTML.escape(siteName))</h1>
        <p><a href="\(HTML.escape(directoryURL(webBase)))">The full directory</a></p>
        <h2>Departments</h2>
        <ul>\(departments.joined())</ul>
        <h2>People</h2>
        <ul>\(people.joined())</ul>
        </body></html>

        """
    }

    /// Open first (0), no set hours (1), closed (2).
    private static func rank(_ department: DirectoryListing.DepartmentEntry) -> Int {
        switch department.isOpen {
        case true?: 0
        case nil: 1
        case false?: 2
        }
    }

    /// A display name as a §25.1 `quoted-string`.
    private static func quotedString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") + "\""
    }
}

extension String {
    /// Left-padded with zeros to `width` characters.
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(width - count, 0)) + self }
}
