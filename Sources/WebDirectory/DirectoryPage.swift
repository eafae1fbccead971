/// `/` and `/directory`: departments and people as cards, with a search form that works
/// without scripts (GET `?q=`); every card is sent, the ones that do not match carry
/// `hidden`, so the optional script (``DirectoryPage/script``) can filter as one types.
enum DirectoryPage {
    /// The whole page for `listing` (unfiltered) and the search `query`; with `callToken`, a
    /// "Call me" form (``ClickToCallHandler``) on every card that has an extension.
    static func render(_ listing: DirectoryListing, query: String, siteName: String, sipDomain: String?,
                       callToken: String? = nil) -> String {
        let matching = listing.filtered(by: query)
        let matchingDepartments = Set(matching.departments.map(\.id))
        let matchingPeople = Set(matching.people.map(\.id))
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        let departments = listing.departments.map { department in
            card(search: department.searchText, hidden: !matchingDepartments.contains(department.id), title: department.name, facts: [
                ("Extension", extensionLink(department.extensionNumber, domain: sipDomain)),
                ("Members", department.members.isEmpty ? "none" : HTML.escape(department.members.joined(separator: ", "))),
                ("Now", hoursState(department)),
            ], form: callForm(token: callToken, target: "department/\(department.id)", name: department.name,
                              hasExtension: department.extensionNumber != nil))
        }
        let people = listing.people.map { person in
            card(search: person.searchText, hidden: !matchingPeople.contains(person.id), title: person.name, facts: [
                ("Extension", extensionLink(person.extensionNumber, domain: sipDomain)),
                ("Department", person.departments.isEmpty ? "none" : HTML.escape(person.departments.joined(separator: ", "))),
                ("Now", reachability(person.isReachable)),
            ], form: callForm(token: callToken, target: "person/\(person.id)", name: person.name,
                              hasExtension: person.extensionNumber != nil))
        }
        let main = """
        <h1>Directory</h1>
        <form class="search" role="search" method="get" action="/directory">
        <label for="q">Search people and departments</label>
        <input id="q" name="q" type="search" value="\(HTML.escape(trimmed))" autocomplete="off" aria-describedby="search-hint" maxlength="100">
        <button type="submit">Search</button>
        <p id="search-hint" class="hint">A name, extension or department. With scripts on, results follow your typing.</p>
        </form>
        <p id="summary" role="status" aria-live="polite">\(HTML.escape(summary(departments: matching.departments.count, people: matching.people.count, query: trimmed)))</p>
        \(section(id: "departments", heading: "Departments", cards: departments, empty: "No department matches.", anyShown: !matching.departments.isEmpty))
        \(section(id: "people", heading: "People", cards: people, empty: "No one matches.", anyShown: !matching.people.isEmpty))
        """
        return HTML.page(title: trimmed.isEmpty ? "Directory" : "Search: \(trimmed)", siteName: siteName, section: .directory,
                         main: main, script: "/assets/directory.js")
    }

    /// "All 3 departments and 5 people." or "1 department and 0 people match “sal”." (the script writes the same).
    static func summary(departments: Int, people: Int, query: String) -> String {
        let counts = "\(HTML.count(departments, "department", "departments")) and \(HTML.count(people, "person", "people"))"
        return query.isEmpty ? "All \(counts)." : "\(counts) match “\(query)”."
    }

    private static func section(id: String, heading: String, cards: [String], empty: String, anyShown: Bool) -> String {
        """
        <section aria-labelledby="\(id)-heading">
        <h2 id="\(id)-heading">\(heading)</h2>
        <ul class="cards" id="\(id)">
        \(cards.joined(separator: "\n"))
        </ul>
        <p class="empty" id="\(id)-empty"\(anyShown ? " hidden" : "")>\(empty)</p>
        </section>
        """
    }

    /// A card: heading, a list of facts (values already HTML), and an optional form.
    private static func card(search: String, hidden: Bool, title: String, facts: [(String, String)], form: String) -> String {
        "<li class=\"card\" data-search=\"\(HTML.escape(search))\"\(hidden ? " hidden" : "")><h3>\(HTML.escape(title))</h3>\(HTML.facts(facts))\(form)</li>"
    }

    /// "Call me": the visitor's number, posted with the target and the anti-forgery token.
    private static func callForm(token: String?, target: String, name: String, hasExtension: Bool) -> String {
        guard let token, hasExtension else { return "" }
        let id = "call-" + HTML.pathSegment(target.replacingOccurrences(of: "/", with: "-"))
        return "<form class=\"call\" method=\"post\" action=\"/call\">"
            + "<input type=\"hidden\" name=\"target\" value=\"\(HTML.escape(target))\">"
            + "<input type=\"hidden\" name=\"token\" value=\"\(HTML.escape(token))\">"
            + "<label for=\"\(id)\">Your number or SIP address<span class=\"visually-hidden\">, to be connected to \(HTML.escape(name))</span></label>"
            // type=text (not tel) so a sip: address fits; inputmode keeps the phone keypad.
            + "<input id=\"\(id)\" name=\"number\" type=\"text\" inputmode=\"tel\" autocomplete=\"tel\" required maxlength=\"256\">"
            + "<button type=\"submit\">Call me</button></form>"
    }

    /// The extension, as a `sip:` link when the SIP domain is known.
    static func extensionLink(_ number: String?, domain: String?) -> String {
        guard let number else { return "none" }
        guard let domain else { return HTML.escape(number) }
        return "<a href=\"\(HTML.escape(AlternativeResponses.sipURI(user: number, domain: domain)))\">\(HTML.escape(number))</a>"
    }

    private static func hoursState(_ department: DirectoryListing.DepartmentEntry) -> String {
        guard let open = department.isOpen, let schedule = department.schedule else { return "No set hours" }
        return state(open, "open", "closed", open ? "Open" : "Closed") + " <span class=\"hint\">(\(HTML.escape(schedule)))</span>"
    }

    private static func reachability(_ reachable: Bool?) -> String {
        guard let reachable else { return "Unknown" }
        return state(reachable, "yes", "no", reachable ? "Reachable" : "Not reachable")
    }

    /// A state word with a shape that does not rely on colour alone (● / ○, hidden from screen readers).
    static func state(_ on: Bool, _ onClass: String, _ offClass: String, _ text: String) -> String {
        "<span class=\"state \(on ? onClass : offClass)\"><span aria-hidden=\"true\">\(on ? "●" : "○")</span> \(text)</span>"
    }

    /// Progressive enhancement: filters the cards as one types, with the same folding and
    /// summary text as the server; keeps the address bar's `?q=` in step.
    static let script = """
    (function () {
      "use strict";
      var input = document.getElementById("q");
      var summary = document.getElementById("summary");
      if (!input || !summary || !String.prototype.normalize) { return; }
      function fold(text) { return text.normalize("NFD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase(); }
      function count(n, one, many) { return n + " " + (n === 1 ? one : many); }
      function update() {
        var query = input.value.trim();
        var needle = fold(query);
        var shown = {};
        ["departments", "people"].forEach(function (id) {
          var list = document.getElementById(id);
          var n = 0;
          if (!list) { return; }
          Array.prototype.forEach.call(list.querySelectorAll("li[data-search]"), function (item) {
            var match = needle === "" || item.getAttribute("data-search").indexOf(needle) !== -1;
            item.hidden = !match;
            if (match) { n += 1; }
          });
          shown[id] = n;
          var empty = document.getElementById(id + "-empty");
          if (empty) { empty.hidden = n !== 0; }
        });
        var counts = count(shown.departments || 0, "department", "departments") + " and " + count(shown.people || 0, "person", "people");
        summary.textContent = query === "" ? "All " + counts + "." : counts + " match \\u201c" + query + "\\u201d.";
        if (window.history && history.replaceState) {
          history.replaceState(null, "", query === "" ? location.pathname : location.pathname + "?q=" + encodeURIComponent(query));
        }
      }
      input.addEventListener("input", update);
    })();

    """
}
