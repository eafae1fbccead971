import Foundation
import Testing
import Voicemail

/// Mailbox numbers and limits, counts, errors, the change broadcaster.
@Suite("Voicemail model")
struct ModelTests {
    @Test("Mailbox numbers: a safe folder name")
    func numbers() throws {
        for good in ["201", "sales", "support-2", "a.b_c", String(repeating: "9", count: 64)] {
            try Mailbox.validate(number: good)
        }
        for bad in ["", ".", "..", ".hidden", "a/b", "../etc", "sales team", "ünï", String(repeating: "9", count: 65)] {
            #expect(throws: VoicemailError.invalidMailboxNumber(bad)) { try Mailbox.validate(number: bad) }
        }
    }

    @Test("Limits: at least one message, 0 ≤ min ≤ max")
    func limits() throws {
        try MailboxLimits().validate()
        try MailboxLimits(maxMessages: 1, maxSeconds: 1, minSeconds: 0).validate()
        for bad in [MailboxLimits(maxMessages: 0), MailboxLimits(maxSeconds: 0, minSeconds: 0),
                    MailboxLimits(maxSeconds: 10, minSeconds: 11), MailboxLimits(minSeconds: -1)] {
            #expect(throws: VoicemailError.self) { try bad.validate() }
        }
    }

    @Test("Counts: the RFC 3842 summary counts unheard as new, the rest as old")
    func counts() {
        let counts = MessageCounts(new: 3, saved: 2, unheard: 2)
        #expect(counts.total == 5)
        #expect(counts.messageSummary == (new: 2, old: 3))
    }

    @Test("A full mailbox is an error a caller is told about")
    func full() {
        let error = VoicemailError.mailboxFull(mailbox: "201", maxMessages: 5)
        #expect(error.description == "mailbox '201' is full (5 messages)")
        #expect(error.callerPrompt == "vm-mailbox-full")
        #expect(VoicemailError.mailboxNotFound("201").callerPrompt == nil)
    }

    @Test("The broadcaster fans out to every subscriber, forgets ended ones, and finishes all")
    func broadcaster() async {
        let broadcaster = MailboxChangeBroadcaster()
        let first = broadcaster.subscribe()
        var second: AsyncStream<String>? = broadcaster.subscribe()
        #expect(broadcaster.subscriberCount == 2)
        broadcaster.publish("201")
        broadcaster.publish("sales")
        var secondIterator = second?.makeAsyncIterator()
        #expect(await secondIterator?.next() == "201")
        secondIterator = nil
        second = nil  // dropping the stream ends the subscription
        #expect(broadcaster.subscriberCount == 1)
        broadcaster.finish()
        var received: [String] = []
        for await number in first { received.append(number) }
        #expect(received == ["201", "sales"])
        #expect(broadcaster.subscriberCount == 0)
        // Subscribing after finish gets an ended stream.
        for await _ in broadcaster.subscribe() { Issue.record("event after finish") }
    }
}
