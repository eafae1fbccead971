/// One entry of a play list.
public enum PlayItem: Sendable {
    /// A prompt, played once.
    case prompt(Prompt)
    /// Silence for a time (rounded up to whole 20 ms frames).
    case silence(milliseconds: Int)
    /// A tone played again and again for a total time (ringback until answered: a long time).
    case looping(Prompt, milliseconds: Int)
}

/// What happened to a channel during a tick or on receiving a packet.
public enum MediaEvent: Sendable, Equatable {
    /// The play list ran to its end.
    case playbackFinished(channel: Int)
    /// A key stopped a play list that allowed barge-in.
    case playbackInterrupted(channel: Int, digit: DTMFDigit)
    /// A key press entered the channel's digit stream.
    case digit(channel: Int, DTMFKeyPress)
    /// No RTP or RTCP arrived for the inactivity timeout while not on hold: a dead call
    /// (reported once).
    case inactive(channel: Int)
    /// The far end sent an RTCP BYE (RFC 3550 §6.6).
    case remoteBye(channel: Int, reason: String?)
}
