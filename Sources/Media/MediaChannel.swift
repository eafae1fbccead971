import NIOCore
import SDP

/// One call leg's media, sans-IO: what it plays (the player), the RTP stream it sends, and
/// what it does with what it receives (DTMF three ways, audio for the recorder).
///
/// The ``MediaClock`` of the channel's event loop calls ``tick(_:)`` every 20 ms;
/// the network edge calls ``receive(_:from:at:)`` per datagram. Both run on the one loop
/// that owns the call, so nothing here is locked.
public final class MediaChannel {
    /// Identifies the channel on its clock.
    public let id: Int
    /// The codec sent and expected.
    public let codec: AudioCodec
    /// The payload type the codec was negotiated as.
    public let payloadType: UInt8
    /// The telephone-event payload type, if negotiated (RFC 4733 §7.1.1).
    public let telephoneEventPayloadType: UInt8?
    /// Where to send: the SDP address until the receiver latches, then the latched one.
    public var remoteAddress: SocketAddress? {
        didSet { destination = remoteAddress.flatMap(SocketDestination.init) }
    }
    /// ``remoteAddress`` as the kernel takes it, converted once per change (not per packet).
    private(set) var destination: SocketDestination?
    /// The driver's send buffer for this channel's own socket (nil on the shared port).
    /// Unretained, read per packet: the driver holds it, and clears this before dropping it.
    @exclusivity(unchecked) var ownBatch: Unmanaged<DatagramBatch>?
    /// The RTP sending state.
    public private(set) var sender: RTPSender
    /// The RTP receiving state.
    public var receiver: RTPReceiver
    /// Keys to send as RFC 4733 events.
    public private(set) var dtmfSender: DTMFEventSender
    /// Keys received, from every path.
    public var digits = DTMFDigitStream()
    /// When true, ticks without a prompt send encoded silence (keeps NAT bindings and the
    /// far end's latching alive); when false nothing is sent and the next audio packet
    /// carries the marker bit.
    public var sendsSilenceWhenIdle: Bool
    /// Called with each received audio frame's decoded PCM (the recorder hooks in here).
    public var onAudio: ((_ samples: [Int16]) -> Void)?
    /// When the RFC 4733 path is absent, keys are detected in the audio.
    public private(set) var toneDetector: DTMFToneDetector?

    private var playlist: [PlayItem] = []
    private var itemIndex = 0
    private var frameInItem = 0
    /// The current item, cached when it changes so a tick reads no play list: its prompt
    /// (nil for silence), its length in frames, and the prompt frame due (wraps when looping).
    private var itemPrompt: Prompt?
    private var itemFrames = 0
    private var promptFrame = 0
    /// Whether a play list is running.
    public private(set) var isPlaying = false
    /// Set when audio enters the jitter buffer, cleared when a tick finds it waiting:
    /// idle channels skip the inbound work (the buffer cannot change without a receive).
    private(set) var inboundPending = false
    /// RTP timestamp units per tick.
    private let timestampStep: UInt32
    private var interruptible = false
    private let silenceFrame: [UInt8]
    private var decoders: [AudioCodec: AudioDecoder] = [:]
    /// Audio samples the tick may still take from the jitter buffer (packets may carry
    /// more than 20 ms: a 40 ms packet covers two ticks).
    private var inboundCredit = 0
    private var lastInboundSamples = 0
    /// Frames (20 ms each) per packet sent: the negotiated ptime / 20.
    public let framesPerPacket: Int
    private var pendingPayload: [UInt8] = []
    private var pendingFrames = 0
    private var pendingTimestamp: UInt32 = 0
    private var pendingMarker = false
    /// False when we must not send (we are `recvonly` or `inactive`, RFC 3264 §5.1).
    public var sendsMedia = true
    private var eventReceiver = DTMFEventReceiver()
    /// Received audio waits here and is decoded on the clock's ticks, in order.
    public private(set) var inboundBuffer = JitterBuffer<InboundFrame>(depth: 3)

    /// A received audio payload waiting in the jitter buffer.
    public struct InboundFrame: Sendable {
        /// Its codec (the peer may switch among the negotiated ones).
        public var codec: AudioCodec
        /// The payload.
        public var payload: [UInt8]
    }
    private var reportedInactive = false
    /// Also the RTCP destination: RTCP goes to the RTP port + 1 unless multiplexed (RFC 5761).
    public var rtcpMultiplexed = false
    /// The CNAME sent in RTCP SDES (RFC 3550 §6.5.1).
    public var cname = "switchboard"
    private var elapsedTicks: Int64 = 0

    /// Creates a channel. `sender` supplies SSRC and initial sequence/timestamp (random in
    /// production, fixed in tests).
    public init(id: Int, codec: AudioCodec, payloadType: UInt8? = nil, telephoneEventPayloadType: UInt8? = nil,
                remoteAddress: SocketAddress? = nil, sender: RTPSender, sendsSilenceWhenIdle: Bool = true,
                ptimeMilliseconds: Int = 20, otherPayloadTypes: [UInt8: AudioCodec] = [:]) {
        // ptime: whole 20 ms frames, 20–200 ms (RFC 3551 §4.5 packetisation; the offer's a=ptime).
        self.framesPerPacket = min(max((ptimeMilliseconds + 10) / 20, 1), 10)
        self.id = id
        self.codec = codec
        self.payloadType = payloadType ?? codec.staticPayloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.remoteAddress = remoteAddress
        self.destination = remoteAddress.flatMap(SocketDestination.init)
        self.timestampStep = codec.timestampIncrement()
        self.sender = sender
        self.sendsSilenceWhenIdle = sendsSilenceWhenIdle
        self.dtmfSender = DTMFEventSender(unitsPerTick: codec.timestampIncrement())
        var accepted = otherPayloadTypes
        accepted[payloadType ?? codec.staticPayloadType] = codec
        self.receiver = RTPReceiver(audioPayloadTypes: accepted,
                                    telephoneEventPayloadType: telephoneEventPayloadType, expectedAddress: remoteAddress)
        self.silenceFrame = AudioEncoder(codec: codec).encode([Int16](repeating: 0, count: codec.samplesPerFrame()))
        self.toneDetector = telephoneEventPayloadType == nil ? DTMFToneDetector(sampleRate: codec.sampleRate) : nil
    }

    // MARK: Player

    /// Replaces what is playing with `items`. With `bargeIn`, a key stops it.
    public func play(_ items: [PlayItem], bargeIn: Bool = false) {
        startList(items)
        interruptible = bargeIn
    }

    /// Stops playing (the channel sends silence or nothing).
    public func stopPlayback() {
        startList([])
    }

    /// Puts `items` in place of the play list, from its first frame.
    private func startList(_ items: [PlayItem]) {
        playlist = items
        itemIndex = 0
        frameInItem = 0
        isPlaying = !items.isEmpty
        enterItem()
    }

    /// Caches the item at `itemIndex` (see ``itemPrompt``).
    private func enterItem() {
        promptFrame = 0
        guard itemIndex < playlist.count else {
            itemPrompt = nil
            itemFrames = 0
            return
        }
        switch playlist[itemIndex] {
        case .prompt(let prompt): itemPrompt = prompt
        case .looping(let prompt, _): itemPrompt = prompt
        case .silence: itemPrompt = nil
        }
        itemFrames = framesIn(playlist[itemIndex])
    }

    /// Queues a key to send as RFC 4733 events (audio pauses meanwhile). Ignored when
    /// telephone-event was not negotiated.
    public func sendDigit(_ digit: DTMFDigit, milliseconds: Int = 100) {
        guard telephoneEventPayloadType != nil else { return }
        dtmfSender.send(digit, durationUnits: UInt32(max(milliseconds, 20) * codec.rtpClockRate / 1000))
    }

    /// True while a ``MediaRelay`` carries this channel's media: the player sends nothing
    /// (but the RTP clock runs on, so the stream continues seamlessly when detached).
    public var isRelayed = false

    /// Makes the header for a relayed packet on this channel's stream (same SSRC, next
    /// sequence number).
    public func relayedHeader(payloadType: UInt8, timestamp: UInt32, marker: Bool, payloadCount: Int) -> RTPHeader {
        sender.relayedHeader(payloadType: payloadType, timestamp: timestamp, marker: marker, payloadCount: payloadCount)
    }

    /// Creates a channel for a stream negotiated by offer/answer: codec and payload types
    /// (every common codec is accepted on receive, the peer may switch), telephone-event,
    /// remote RTP/RTCP address, ptime, direction and hold. Nil when the codec is not one we
    /// carry or the address is not an IP literal.
    public convenience init?(id: Int, stream: NegotiatedStream, sender: RTPSender) {
        guard let codec = AudioCodec(stream.codec),
              let remote = try? SocketAddress(ipAddress: stream.remoteAddress, port: Int(stream.remotePort)) else { return nil }
        var others: [UInt8: AudioCodec] = [:]
        for other in stream.codecs {
            if let type = other.payloadType, let audio = AudioCodec(other) { others[type] = audio }
        }
        self.init(id: id, codec: codec, payloadType: stream.codec.payloadType, telephoneEventPayloadType: stream.telephoneEventPayloadType,
                  remoteAddress: remote, sender: sender, ptimeMilliseconds: stream.ptime, otherPayloadTypes: others)
        if let rtcpPort = stream.remoteRTCPPort {
            rtcpMultiplexed = rtcpPort == stream.remotePort
            self.rtcpPort = Int(rtcpPort)
        }
        sendsMedia = stream.direction == .sendrecv || stream.direction == .sendonly
        if stream.isRemoteHold { receiver.setOnHold(true, at: .now()) }
    }

    /// The far end's RTCP port when SDP gave one (`a=rtcp`, RFC 3605).
    public var rtcpPort: Int?

    /// Runs one tick: consumes one received frame from the jitter buffer (tone detection,
    /// the recorder hook), then produces this tick's packet, if any, handing header and
    /// payload to `send`. Returns events (keys detected, play list ended). Always advances
    /// the RTP clock.
    public func tick(_ send: (RTPHeader, UnsafeRawBufferPointer) -> Void) -> [MediaEvent] {
        var events: [MediaEvent] = []
        tick(into: &events, send)
        return events
    }

    /// ``tick(_:)`` appending its events to `events` (the clock's loop: no array per tick).
    func tick(into events: inout [MediaEvent], _ send: (RTPHeader, UnsafeRawBufferPointer) -> Void) {
        // Nothing received since the buffer last said "waiting": a tick would only find it
        // waiting again, so it is skipped.
        if inboundPending { consumeInbound(into: &events) }
        if let event = produceFrame(send) { events.append(event) }
    }

    /// Decodes the received audio due now, if any: one tick's worth of samples (a packet of
    /// 40 ms satisfies two ticks).
    private func consumeInbound(into events: inout [MediaEvent]) {
        guard onAudio != nil || toneDetector != nil else { return }
        inboundCredit = min(inboundCredit + codec.samplesPerFrame(), 4 * codec.samplesPerFrame())
        while inboundCredit > 0 {
            switch inboundBuffer.pop() {
            case .waiting:
                // Stays so (no side effect) until the next insert sets the flag again.
                inboundCredit = 0
                inboundPending = false
                return
            case .missing:
                // Lost: the recorder gets silence (keeps its timing), the detector nothing.
                let count = max(lastInboundSamples, codec.samplesPerFrame())
                onAudio?([Int16](repeating: 0, count: count))
                inboundCredit -= count
            case .frame(let frame):
                let decoder = decoders[frame.codec] ?? AudioDecoder(codec: frame.codec)
                decoders[frame.codec] = decoder
                var samples: [Int16] = []
                frame.payload.withUnsafeBytes { decoder.decode($0, appendingTo: &samples) }
                if frame.codec.sampleRate != codec.sampleRate {
                    // The peer switched to a codec of the other rate: keep our rate.
                    var converter = HalfBandResampler(frame.codec.sampleRate < codec.sampleRate ? .up : .down)
                    samples = converter.process(samples)
                }
                lastInboundSamples = max(samples.count, 1)
                inboundCredit -= lastInboundSamples
                onAudio?(samples)
                if toneDetector != nil {
                    let digits = samples.withUnsafeBufferPointer { toneDetector?.process($0) ?? [] }
                    events += digits.flatMap { offerDigit($0, from: .inBand) }
                }
            }
        }
    }

    /// Reports a dead call once: no RTP/RTCP for the receiver's timeout, not on hold.
    public func checkInactivity(at now: NIODeadline) -> MediaEvent? {
        guard !reportedInactive, receiver.isInactive(at: now) else { return nil }
        reportedInactive = true
        return .inactive(channel: id)
    }

    /// An RTCP compound for this channel (RFC 3550 §6.1): SR if we have sent, else RR, with
    /// a report block on the far end's source, and SDES CNAME; with `bye`, a BYE too.
    public func rtcpCompound(unixNanoseconds: Int64, at now: NIODeadline = .now(), bye: Bool = false) -> [UInt8] {
        var packets: [RTCPPacket] = []
        let blocks = receiver.reportBlock(at: now).map { [$0] } ?? []
        if sender.packetCount > 0 {
            packets.append(sender.senderReport(ntpTimestamp: NTPTime.timestamp(unixNanoseconds: unixNanoseconds), reports: blocks))
        } else {
            packets.append(.receiverReport(ssrc: sender.ssrc, reports: blocks))
        }
        packets.append(.sourceDescription(cnames: [sender.ssrc: cname]))
        if bye { packets.append(.bye(ssrcs: [sender.ssrc], reason: nil)) }
        return RTCPPacket.serializeCompound(packets)
    }

    /// Where RTCP goes: the RTP address, port + 1 unless multiplexed.
    public var rtcpAddress: SocketAddress? {
        guard let remote = remoteAddress else { return nil }
        if rtcpMultiplexed { return remote }
        guard let port = remote.port, let ip = remote.ipAddress else { return nil }
        return try? SocketAddress(ipAddress: ip, port: rtcpPort ?? port + 1)
    }

    private func produceFrame(_ send: (RTPHeader, UnsafeRawBufferPointer) -> Void) -> MediaEvent? {
        defer {
            sender.advance(by: timestampStep)
            elapsedTicks += 1
        }
        if isRelayed || !sendsMedia {
            sender.skipTick()
            pendingFrames = 0
            pendingPayload.removeAll(keepingCapacity: true)
            _ = advancePlaylist()
            return finishedEvent()
        }
        if let eventPayloadType = telephoneEventPayloadType, dtmfSender.isBusy {
            // RFC 4733 §2.5.1: events replace audio while they last (a partly gathered
            // audio packet is dropped).
            pendingFrames = 0
            pendingPayload.removeAll(keepingCapacity: true)
            for packet in dtmfSender.tick(timestamp: sender.timestamp) {
                let header = sender.eventHeader(payloadType: eventPayloadType, timestamp: packet.timestamp, marker: packet.marker, payloadCount: 4)
                packet.event.bytes.withUnsafeBytes { send(header, $0) }
            }
            _ = advancePlaylist()
            return finishedEvent()
        }
        if let prompt = itemPrompt {
            prompt.withFrame(promptFrame, codec: codec) { sendAudio($0, send) }
            _ = advancePlaylist()
            return finishedEvent()
        }
        if isPlaying {
            // Silence inside a play list: sent as audio (no new talkspurt after it).
            silenceFrame.withUnsafeBytes { sendAudio($0, send) }
            _ = advancePlaylist()
            return finishedEvent()
        }
        if sendsSilenceWhenIdle {
            silenceFrame.withUnsafeBytes { sendAudio($0, send) }
        } else {
            if pendingFrames > 0 {
                // The end of a prompt in a partly filled packet: send what there is.
                let header = sender.audioHeader(payloadType: payloadType, payloadCount: pendingPayload.count, timestamp: pendingTimestamp, marker: pendingMarker)
                pendingPayload.withUnsafeBytes { send(header, $0) }
                pendingFrames = 0
                pendingPayload.removeAll(keepingCapacity: true)
            }
            sender.skipTick()
        }
        return nil
    }

    /// Sends one 20 ms frame, or gathers frames until a packet of the negotiated ptime is full.
    private func sendAudio(_ frame: UnsafeRawBufferPointer, _ send: (RTPHeader, UnsafeRawBufferPointer) -> Void) {
        guard framesPerPacket > 1 else {
            send(sender.audioHeader(payloadType: payloadType, payloadCount: frame.count), frame)
            return
        }
        if pendingFrames == 0 {
            pendingTimestamp = sender.timestamp
            pendingMarker = sender.talkspurtPending
        }
        pendingPayload.append(contentsOf: frame)
        pendingFrames += 1
        guard pendingFrames == framesPerPacket else { return }
        let header = sender.audioHeader(payloadType: payloadType, payloadCount: pendingPayload.count, timestamp: pendingTimestamp, marker: pendingMarker)
        pendingPayload.withUnsafeBytes { send(header, $0) }
        pendingPayload.removeAll(keepingCapacity: true)
        pendingFrames = 0
    }

    private var finishedPending = false

    private func finishedEvent() -> MediaEvent? {
        guard finishedPending else { return nil }
        finishedPending = false
        return .playbackFinished(channel: id)
    }

    private func framesIn(_ item: PlayItem) -> Int {
        switch item {
        case .prompt(let prompt): prompt.frameCount
        case .silence(let ms), .looping(_, let ms): (max(ms, 0) + Prompt.frameMilliseconds - 1) / Prompt.frameMilliseconds
        }
    }

    private func advancePlaylist() -> Bool {
        guard isPlaying else { return false }
        frameInItem += 1
        promptFrame += 1
        if let prompt = itemPrompt, promptFrame >= prompt.frameCount { promptFrame = 0 }  // looping
        while frameInItem >= itemFrames {
            itemIndex += 1
            frameInItem = 0
            guard itemIndex < playlist.count else {
                startList([])
                finishedPending = true
                return true
            }
            enterItem()
        }
        return true
    }

    // MARK: Receiving

    /// Milliseconds since the channel started ticking.
    public var elapsedMilliseconds: Int64 { elapsedTicks * Int64(Prompt.frameMilliseconds) }

    /// Handles one datagram. Returns key and barge-in events.
    public func receive(_ bytes: UnsafeRawBufferPointer, from source: SocketAddress, at now: NIODeadline) -> [MediaEvent] {
        let outcome = receiver.receive(bytes, from: source, at: now)
        var keys: [(DTMFDigit, DTMFSource)] = []
        switch outcome {
        case .dropped:
            return []
        case .audio(let packet, let packetCodec):
            if remoteAddress != receiver.latchedAddress { remoteAddress = receiver.latchedAddress }
            guard onAudio != nil || toneDetector != nil else { return [] }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadOffset..<(packet.payloadOffset + packet.payloadCount)])
            inboundBuffer.insert(InboundFrame(codec: packetCodec, payload: Array(payload)), sequenceNumber: packet.header.sequenceNumber)
            inboundPending = true
        case .telephoneEvent(let packet):
            if remoteAddress != receiver.latchedAddress { remoteAddress = receiver.latchedAddress }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[packet.payloadOffset..<(packet.payloadOffset + packet.payloadCount)])
            guard let event = TelephoneEvent(payload: payload) else { return [] }
            let arrival = UInt32(truncatingIfNeeded: now.uptimeNanoseconds / 125_000)
            for report in eventReceiver.receive(event, timestamp: packet.header.timestamp, arrival: arrival) {
                if case .began(let digit, _) = report { keys.append((digit, .rtpEvent)) }
            }
        }
        return keys.flatMap { offerDigit($0.0, from: $0.1) }
    }

    /// Handles an RTCP datagram (on the RTP port with rtcp-mux, RFC 5761, or the RTCP port).
    public func receiveRTCP(_ bytes: UnsafeRawBufferPointer, from source: SocketAddress, at now: NIODeadline) -> [MediaEvent] {
        switch receiver.receiveRTCP(bytes, from: source, at: now) {
        case .bye(let reason): return [.remoteBye(channel: id, reason: reason)]
        case .noted, .dropped: return []
        }
    }

    /// Feeds a key from SIP INFO (the SIP core parsed it with ``DTMFInfoBody``).
    public func receiveInfoDigit(_ digit: DTMFDigit) -> [MediaEvent] {
        offerDigit(digit, from: .sipInfo)
    }

    private func offerDigit(_ digit: DTMFDigit, from source: DTMFSource) -> [MediaEvent] {
        guard digits.offer(digit, from: source, atMilliseconds: elapsedMilliseconds),
              let press = digits.queued.last else { return [] }
        var events: [MediaEvent] = [.digit(channel: id, press)]
        if interruptible, isPlaying {
            // Barge-in: the key stops the prompt at once.
            stopPlayback()
            events.append(.playbackInterrupted(channel: id, digit: digit))
        }
        return events
    }
}
