/// Header-name recognition without tables or allocation (generated from the list of known
/// names in HeaderName.swift; keep the two in step). The name is read as little-endian
/// 64-bit words with every byte OR-ed with 0x20, which lower-cases letters and leaves `-`
/// unchanged; known names hold only letters and `-`, so one integer comparison per word
/// decides a match and no other token can collide.
extension HeaderName {
    static func lookupKnown(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Known {
        let start = range.lowerBound
        let count = range.count
        @inline(__always) func word(_ offset: Int) -> UInt64 {
            let length = Swift.min(8, count - offset)
            let position = start + offset
            if position + 8 <= bytes.count, let base = bytes.baseAddress {
                // One unaligned load, then keep only the name's bytes.
                let raw = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                let keep: UInt64 = length == 8 ? ~0 : (1 << UInt64(length * 8)) - 1
                return (raw | 0x2020_2020_2020_2020) & keep
            }
            var value: UInt64 = 0
            var index = position + length - 1
            while index >= position {
                value = value << 8 | UInt64(bytes[index] | 0x20)
                index -= 1
            }
            return value
        }
        switch count {
        case 1:
            return compactForms[ASCII.lower(bytes[start])]?.known ?? .other
        case 2...8:
            return known(count: count, word(0), 0, 0)
        case 9...16:
            return known(count: count, word(0), word(8), 0)
        case 17...19:
            return known(count: count, word(0), word(8), word(16))
        default:
            return .other
        }
    }

    /// The known header whose name has `count` (2–19) bytes, given as up to three words read
    /// as described above (bytes past the name zero).
    @inline(__always)
    static func known(count: Int, _ w0: UInt64, _ w1: UInt64, _ w2: UInt64) -> Known {
        switch count {
        case 2:
            if w0 == 0x0000000000006F74 { return .to }  // to
            return .other
        case 3:
            if w0 == 0x0000000000616976 { return .via }  // via
            return .other
        case 4:
            if w0 == 0x0000000071657363 { return .cseq }  // cseq
            if w0 == 0x0000000065746164 { return .date }  // date
            if w0 == 0x000000006D6F7266 { return .from }  // from
            if w0 == 0x0000000071657372 { return .rseq }  // rseq
            if w0 == 0x000000006B636172 { return .rack }  // rack
            return .other
        case 5:
            if w0 == 0x000000776F6C6C61 { return .allow }  // allow
            if w0 == 0x000000746E657665 { return .event }  // event
            if w0 == 0x0000006574756F72 { return .route }  // route
            return .other
        case 6:
            if w0 == 0x0000747065636361 { return .accept }  // accept
            if w0 == 0x00006E6F73616572 { return .reason }  // reason
            if w0 == 0x0000726576726573 { return .server }  // server
            if w0 == 0x000065732D6E696D { return .minSE }  // min-se
            return .other
        case 7:
            if w0 == 0x0064692D6C6C6163 { return .callID }  // call-id
            if w0 == 0x00746361746E6F63 { return .contact }  // contact
            if w0 == 0x0073657269707865 { return .expires }  // expires
            if w0 == 0x0065726975716572 { return .require }  // require
            if w0 == 0x007463656A627573 { return .subject }  // subject
            if w0 == 0x00676E696E726177 { return .warning }  // warning
            if w0 == 0x0079636176697270 { return .privacy }  // privacy
            return .other
        case 8:
            if w0 == 0x797469726F697270 { return .priority }  // priority
            if w0 == 0x6F742D7265666572 { return .referTo }  // refer-to
            if w0 == 0x736563616C706572 { return .replaces }  // replaces
            if w0 == 0x6F742D796C706572 { return .replyTo }  // reply-to
            if w0 == 0x797469746E656469 { return .identity }  // identity
            return .other
        case 9:
            if w0 == 0x666E692D6C6C6163 && w1 == 0x000000000000006F { return .callInfo }  // call-info
            if w0 == 0x6574726F70707573 && w1 == 0x0000000000000064 { return .supported }  // supported
            if w0 == 0x6D617473656D6974 && w1 == 0x0000000000000070 { return .timestamp }  // timestamp
            return .other
        case 10:
            if w0 == 0x6E692D7472656C61 && w1 == 0x0000000000006F66 { return .alertInfo }  // alert-info
            if w0 == 0x6E692D726F727265 && w1 == 0x0000000000006F66 { return .errorInfo }  // error-info
            if w0 == 0x6567612D72657375 && w1 == 0x000000000000746E { return .userAgent }  // user-agent
            return .other
        case 11:
            if w0 == 0x796C7065722D6E69 && w1 == 0x00000000006F742D { return .inReplyTo }  // in-reply-to
            if w0 == 0x697078652D6E696D && w1 == 0x0000000000736572 { return .minExpires }  // min-expires
            if w0 == 0x6465727265666572 && w1 == 0x000000000079622D { return .referredBy }  // referred-by
            if w0 == 0x66612D7972746572 && w1 == 0x0000000000726574 { return .retryAfter }  // retry-after
            if w0 == 0x726F707075736E75 && w1 == 0x0000000000646574 { return .unsupported }  // unsupported
            return .other
        case 12:
            if w0 == 0x76652D776F6C6C61 && w1 == 0x0000000073746E65 { return .allowEvents }  // allow-events
            if w0 == 0x2D746E65746E6F63 && w1 == 0x0000000065707974 { return .contentType }  // content-type
            if w0 == 0x77726F662D78616D && w1 == 0x0000000073647261 { return .maxForwards }  // max-forwards
            if w0 == 0x7265762D656D696D && w1 == 0x000000006E6F6973 { return .mimeVersion }  // mime-version
            if w0 == 0x617A696E6167726F && w1 == 0x000000006E6F6974 { return .organization }  // organization
            if w0 == 0x722D64726F636572 && w1 == 0x000000006574756F { return .recordRoute }  // record-route
            return .other
        case 13:
            if w0 == 0x7A69726F68747561 && w1 == 0x0000006E6F697461 { return .authorization }  // authorization
            if w0 == 0x65722D79786F7270 && w1 == 0x0000006572697571 { return .proxyRequire }  // proxy-require
            return .other
        case 14:
            if w0 == 0x2D746E65746E6F63 && w1 == 0x00006874676E656C { return .contentLength }  // content-length
            return .other
        case 15:
            if w0 == 0x652D747065636361 && w1 == 0x00676E69646F636E { return .acceptEncoding }  // accept-encoding
            if w0 == 0x6C2D747065636361 && w1 == 0x0065676175676E61 { return .acceptLanguage }  // accept-language
            if w0 == 0x2D6E6F6973736573 && w1 == 0x0073657269707865 { return .sessionExpires }  // session-expires
            return .other
        case 16:
            if w0 == 0x2D746E65746E6F63 && w1 == 0x676E69646F636E65 { return .contentEncoding }  // content-encoding
            if w0 == 0x2D746E65746E6F63 && w1 == 0x65676175676E616C { return .contentLanguage }  // content-language
            if w0 == 0x687475612D777777 && w1 == 0x6574616369746E65 { return .wwwAuthenticate }  // www-authenticate
            return .other
        case 18:
            if w0 == 0x75612D79786F7270 && w1 == 0x616369746E656874 && w2 == 0x0000000000006574 { return .proxyAuthenticate }  // proxy-authenticate
            if w0 == 0x7069726373627573 && w1 == 0x6174732D6E6F6974 && w2 == 0x0000000000006574 { return .subscriptionState }  // subscription-state
            return .other
        case 19:
            if w0 == 0x69746E6568747561 && w1 == 0x692D6E6F69746163 && w2 == 0x00000000006F666E { return .authenticationInfo }  // authentication-info
            if w0 == 0x2D746E65746E6F63 && w1 == 0x7469736F70736964 && w2 == 0x00000000006E6F69 { return .contentDisposition }  // content-disposition
            if w0 == 0x75612D79786F7270 && w1 == 0x74617A69726F6874 && w2 == 0x00000000006E6F69 { return .proxyAuthorization }  // proxy-authorization
            if w0 == 0x7472657373612D70 && w1 == 0x746E6564692D6465 && w2 == 0x0000000000797469 { return .pAssertedIdentity }  // p-asserted-identity
            return .other
        default:
            return .other
        }
    }
}
