/// What `commitRecording` did with a finished recording.
public enum RecordingOutcome: Hashable, Sendable {
    /// The message is stored and visible.
    case saved(VoicemailMessage)
    /// It was shorter than the mailbox's `minSeconds` and was discarded with its audio.
    case tooShort(Duration)
}
