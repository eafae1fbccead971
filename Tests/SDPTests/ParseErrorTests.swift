import Testing
import SDP

/// One malformed input and the error it must produce.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    let line: Int
    let kind: SDPError.Kind
    let messageFragment: String

    init(_ name: String, _ text: String, line: Int, _ kind: SDPError.Kind, _ messageFragment: String) {
        self.init(name, Array(text.utf8), line: line, kind, messageFragment)
    }

    init(_ name: String, _ bytes: [UInt8], line: Int, _ kind: SDPError.Kind, _ messageFragment: String) {
        self.name = name
        self.input = bytes
        self.line = line
        self.kind = kind
        self.messageFragment = messageFragment
    }

    var testDescription: String { name }
}

/// `v=`, `o=`, `s=`: three valid lines.
private let head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
/// `v=`, `o=`, `s=`, `c=`, `t=`: five valid lines.
private let head5 = head + "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"

private let errorCases: [ErrorCase] = [
    ErrorCase("empty input", "", line: 1, .missingVersion, "expected v=0 but the input ended"),
    ErrorCase("only blank lines", "\r\n\r\n", line: 3, .missingVersion, "input ended"),
    ErrorCase("o= first", "o=- 1 1 IN IP4 192.0.2.1\r\n", line: 1, .missingVersion, "expected v=0 as the first line, found o="),
    ErrorCase("version 1", "v=1\r\n", line: 1, .unsupportedVersion, "expected v=0, found v=1"),
    ErrorCase("version not a number", "v=zero\r\n", line: 1, .unsupportedVersion, "expected v=0"),
    ErrorCase("s= instead of o=", "v=0\r\ns=-\r\n", line: 2, .missingOrigin, "expected o= after v=, found s="),
    ErrorCase("input ends after v=", "v=0\r\n", line: 2, .missingOrigin, "expected o= but the input ended"),
    ErrorCase("c= instead of s=", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\n", line: 3, .missingSessionName, "expected s= after o=, found c="),
    ErrorCase("input ends after o=", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", line: 3, .missingSessionName, "expected s= but the input ended"),
    ErrorCase("o= with 5 fields", "v=0\r\no=- 1 1 IN IP4\r\n", line: 2, .badOrigin, "bad o= line: expected 6 fields, found 5"),
    ErrorCase("o= with 7 fields", "v=0\r\no=- 1 1 IN IP4 192.0.2.1 extra\r\n", line: 2, .badOrigin, "expected 6 fields, found 7"),
    ErrorCase("o= session id not a number", "v=0\r\no=- abc 1 IN IP4 192.0.2.1\r\n", line: 2, .badOrigin, "session id 'abc'"),
    ErrorCase("o= session id overflows 64 bits", "v=0\r\no=- 18446744073709551616 1 IN IP4 192.0.2.1\r\n", line: 2, .badOrigin, "session id"),
    ErrorCase("o= negative version", "v=0\r\no=- 1 -1 IN IP4 192.0.2.1\r\n", line: 2, .badOrigin, "session version '-1'"),
    ErrorCase("c= with 2 fields", head + "c=IN IP4\r\n", line: 4, .badConnection, "bad c= line: expected 3 fields"),
    ErrorCase("duplicate session c=", head5 + "c=IN IP4 192.0.2.2\r\n", line: 6, .duplicateLine, "duplicate session-level c= line"),
    ErrorCase("b= without colon", head + "b=AS64\r\n", line: 4, .badBandwidth, "expected <bwtype>:<bandwidth>"),
    ErrorCase("b= value not a number", head + "b=AS:lots\r\n", line: 4, .badBandwidth, "bandwidth 'lots' is not a number"),
    ErrorCase("t= with one field", head + "t=0\r\n", line: 4, .badTiming, "expected 2 fields"),
    ErrorCase("t= not a number", head + "t=0 never\r\n", line: 4, .badTiming, "decimal numbers"),
    ErrorCase("r= before t=", head + "r=7d 1h 0 25h\r\n", line: 4, .misplacedLine, "r= line without a preceding t= line"),
    ErrorCase("duplicate i=", head + "i=one\r\ni=two\r\n", line: 5, .duplicateLine, "duplicate i= line"),
    ErrorCase("second v=", head5 + "v=0\r\n", line: 6, .duplicateLine, "duplicate v= line"),
    ErrorCase("m= port not numeric", head5 + "m=audio abc RTP/AVP 0\r\n", line: 6, .badMedia, "port 'abc' is not a number"),
    ErrorCase("m= port too large", head5 + "m=audio 70000 RTP/AVP 0\r\n", line: 6, .badMedia, "port '70000'"),
    ErrorCase("m= port count zero", head5 + "m=audio 4000/0 RTP/AVP 0\r\n", line: 6, .badMedia, "port count '0'"),
    ErrorCase("m= without formats", head5 + "m=audio 4000 RTP/AVP\r\n", line: 6, .badMedia, "no media formats"),
    ErrorCase("m= with two fields", head5 + "m=audio 4000\r\n", line: 6, .badMedia, "found 2 fields"),
    ErrorCase("media without any c=", head + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n", line: 5, .missingConnection, "no c= line"),
    ErrorCase("second media without any c=", head + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4002 RTP/AVP 0\r\n", line: 7, .missingConnection, "no session-level c= line"),
    ErrorCase("duplicate media c=", head5 + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.2\r\nc=IN IP4 192.0.2.3\r\n", line: 8, .duplicateLine, "more than one c= line"),
    ErrorCase("media c= malformed", head5 + "m=audio 4000 RTP/AVP 0\r\nc=IN\r\n", line: 7, .badConnection, "expected 3 fields"),
    ErrorCase("media b= malformed", head5 + "m=audio 4000 RTP/AVP 0\r\nb=AS:-1\r\n", line: 7, .badBandwidth, "not a number"),
    ErrorCase("t= inside media", head5 + "m=audio 4000 RTP/AVP 0\r\nt=0 0\r\n", line: 7, .misplacedLine, "t= is a session-level line but appears in the media section that starts on line 6"),
    ErrorCase("empty attribute name", head5 + "a=:value\r\n", line: 6, .malformedLine, "empty attribute name"),
    ErrorCase("empty a=", head5 + "a=\r\n", line: 6, .malformedLine, "empty attribute name"),
    ErrorCase("upper-case type letter", head5 + "A=sendrecv\r\n", line: 6, .malformedLine, "expected <letter>=<value>"),
    ErrorCase("no equals sign", head5 + "hello\r\n", line: 6, .malformedLine, "expected <letter>=<value>"),
    ErrorCase("leading space", " v=0\r\n", line: 1, .malformedLine, "expected <letter>=<value>"),
    ErrorCase("single letter", head5 + "a\r\n", line: 6, .malformedLine, "expected <letter>=<value>"),
    ErrorCase("NUL byte", Array((head5 + "a=x").utf8) + [0] + Array("y\r\n".utf8), line: 6, .invalidText, "NUL or bare CR"),
    ErrorCase("bare CR inside a line", head5 + "a=x\ry\r\n", line: 6, .invalidText, "NUL or bare CR"),
    ErrorCase("invalid UTF-8", Array((head5 + "s=").utf8) + [0xFF, 0xFE] + Array("\r\n".utf8), line: 6, .invalidText, "not valid UTF-8"),
    ErrorCase("truncated UTF-8", Array((head + "i=caf").utf8) + [0xC3], line: 4, .invalidText, "not valid UTF-8"),
    ErrorCase(
        "129 media sections", head5 + String(repeating: "m=audio 0 RTP/AVP 0\r\n", count: 129),
        line: 5 + 129, .tooManyMediaSections, "too many m= lines; the limit is 128"
    ),
    ErrorCase(
        "1025 lines", head5 + String(repeating: "a=x\r\n", count: 1020),
        line: 1025, .tooManyLines, "too many lines; the limit is 1024"
    ),
]

@Suite("Parse errors")
struct ParseErrorTests {
    @Test("Every parse error names its line and says what is wrong", arguments: errorCases)
    func namesLine(_ errorCase: ErrorCase) {
        let error = parseError(errorCase.input)
        #expect(error?.kind == errorCase.kind)
        #expect(error?.line == errorCase.line)
        #expect(error?.message.contains(errorCase.messageFragment) == true, "message: \(error?.message ?? "none")")
        #expect(error?.description == "line \(errorCase.line): \(error?.message ?? "")")
    }

    @Test("The error description has the documented form")
    func descriptionFormat() {
        let error = parseError(Array("v=0\r\no=- 1 1 IN IP4\r\n".utf8))
        #expect(error?.description == "line 2: bad o= line: expected 6 fields, found 5")
    }

    @Test("Inputs over 64 KiB are refused before parsing, without a line number")
    func tooLarge() {
        let header = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\na=pad:"
        let text = header + String(repeating: "y", count: SessionDescription.maximumInputSize - header.utf8.count - 1) + "\r\n"
        #expect(text.utf8.count == SessionDescription.maximumInputSize + 1)
        let error = parseError(Array(text.utf8))
        #expect(error?.kind == .inputTooLarge)
        #expect(error?.line == nil)
        #expect(error?.description == "session description is 65537 bytes; the limit is 65536")
    }

    @Test("The first error in line order is reported")
    func firstErrorWins() {
        let text = "v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nX=bad\r\n"
        #expect(parseError(Array(text.utf8))?.line == 2)
    }

    private func parseError(_ bytes: [UInt8]) -> SDPError? {
        do {
            _ = try SessionDescription.parse(bytes)
            return nil
        } catch {
            return error
        }
    }
}
