#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CMediaSocket
import NIOCore

/// A UDP socket opened and bound by us (then handed to NIO for receiving), with a fast
/// send path: datagrams are queued into preallocated buffers during a tick and sent with
/// one `sendmmsg(2)` per 1,024 at the flush — no allocation, no channel pipeline — or
/// queued on the loop's ``SendRing`` (io_uring) to leave with every other socket's.
/// A full socket buffer drops the rest of the batch (counted): late RTP is useless anyway.
final class DatagramBatch {
    /// The socket descriptor (owned by the NIO channel once handed over).
    let descriptor: CInt
    /// Datagrams sent.
    @exclusivity(unchecked) private(set) var sent = 0
    /// Datagrams dropped because the kernel refused them.
    @exclusivity(unchecked) private(set) var dropped = 0
    /// This socket's slot in the loop's ``SendRing`` file table, or -1.
    var ringSlot: CInt = -1

    static let slotSize = 256  // largest datagram: 12-octet header + 160 octets of 20 ms payload, with room
    // Touched for every packet, only from the loop's thread and never across a call out:
    // the runtime's exclusivity bookkeeping (a few percent of the send path) is skipped.
    @exclusivity(unchecked) private var capacity = 0
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var data: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var lengths: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var addresses: UnsafeMutablePointer<sockaddr_storage>
    @exclusivity(unchecked) private var addressLengths: UnsafeMutablePointer<socklen_t>
    @exclusivity(unchecked) private var messages: UnsafeMutablePointer<cmedia_mmsghdr>
    @exclusivity(unchecked) private var vectors: UnsafeMutablePointer<iovec>
    static let maximumBatch = 1024

    /// Opens a non-blocking UDP socket bound to `address`, with room for `initialCapacity`
    /// datagrams per tick before growing (a socket per channel needs one or two).
    init(bindingTo address: SocketAddress, initialCapacity: Int = 64) throws {
        let family = address.protocol.rawValue
        let fd = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        // No SO_REUSEADDR: on Linux it would let two calls bind the same UDP port.
        var sendBuffer: CInt = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<CInt>.size))
        Self.setDontFragment(fd, family: family)
        let result = address.withSockAddr { pointer, size in bind(fd, pointer, socklen_t(size)) }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw IOError(errnoCode: code, reason: "bind")
        }
        descriptor = fd
        data = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 16)
        lengths = .allocate(capacity: 1)
        addresses = .allocate(capacity: 1)
        addressLengths = .allocate(capacity: 1)
        messages = .allocate(capacity: 1)
        vectors = .allocate(capacity: 1)
        reserve(max(initialCapacity, 1))
    }

    /// Sets DF on every datagram and never fragments locally (`IP_PMTUDISC_PROBE`). RTP
    /// packets are a few hundred octets and must not be fragmented anyway; and an IPv4
    /// datagram with DF set is atomic, so Linux gives it IP ID 0 (RFC 6864 §4.1) instead of
    /// drawing one from its shared, hashed counters for every packet.
    static func setDontFragment(_ fd: CInt, family: CInt) {
        #if os(Linux)
        let size = socklen_t(MemoryLayout<CInt>.size)
        if family == AF_INET {
            var probe = CInt(IP_PMTUDISC_PROBE)  // DF set, path MTU ignored
            setsockopt(fd, CInt(IPPROTO_IP), IP_MTU_DISCOVER, &probe, size)
        } else if family == AF_INET6 {
            var probe = CInt(IPV6_PMTUDISC_PROBE)
            setsockopt(fd, CInt(IPPROTO_IPV6), IPV6_MTU_DISCOVER, &probe, size)
        }
        #endif
    }

    deinit {
        data.deallocate()
        lengths.deallocate()
        addresses.deallocate()
        addressLengths.deallocate()
        messages.deallocate()
        vectors.deallocate()
    }

    private func reserve(_ wanted: Int) {
        guard wanted > capacity else { return }
        let newCapacity = max(wanted, capacity * 2)
        let newData = UnsafeMutableRawPointer.allocate(byteCount: newCapacity * Self.slotSize, alignment: 16)
        newData.copyMemory(from: data, byteCount: count * Self.slotSize)
        data.deallocate()
        data = newData
        let newLengths = UnsafeMutablePointer<Int>.allocate(capacity: newCapacity)
        newLengths.update(from: lengths, count: count)
        lengths.deallocate()
        lengths = newLengths
        let newAddresses = UnsafeMutablePointer<sockaddr_storage>.allocate(capacity: newCapacity)
        newAddresses.update(from: addresses, count: count)
        addresses.deallocate()
        addresses = newAddresses
        let newAddressLengths = UnsafeMutablePointer<socklen_t>.allocate(capacity: newCapacity)
        newAddressLengths.update(from: addressLengths, count: count)
        addressLengths.deallocate()
        addressLengths = newAddressLengths
        // One message per slot: a ring keeps them all until its submission.
        messages.deallocate()
        vectors.deallocate()
        messages = .allocate(capacity: newCapacity)
        vectors = .allocate(capacity: newCapacity)
        capacity = newCapacity
    }

    /// Queues one RTP datagram (header + payload) for `remote`. Oversized ones are dropped.
    func enqueue(header: RTPHeader, payload: UnsafeRawBufferPointer, to remote: SocketDestination) {
        let length = header.encodedLength + payload.count
        guard length <= Self.slotSize else {
            dropped += 1
            return
        }
        reserve(count + 1)
        let slot = data + count * Self.slotSize
        let bytes = slot.assumingMemoryBound(to: UInt8.self)
        bytes[0] = UInt8(0x80 | header.csrcs.count)
        bytes[1] = (header.marker ? 0x80 : 0) | header.payloadType
        bytes[2] = UInt8(header.sequenceNumber >> 8)
        bytes[3] = UInt8(header.sequenceNumber & 0xFF)
        for i in 0..<4 { bytes[4 + i] = UInt8((header.timestamp >> (24 - 8 * UInt32(i))) & 0xFF) }
        for i in 0..<4 { bytes[8 + i] = UInt8((header.ssrc >> (24 - 8 * UInt32(i))) & 0xFF) }
        for (index, csrc) in header.csrcs.enumerated() {
            for i in 0..<4 { bytes[12 + 4 * index + i] = UInt8((csrc >> (24 - 8 * UInt32(i))) & 0xFF) }
        }
        if let base = payload.baseAddress {
            (slot + header.encodedLength).copyMemory(from: base, byteCount: payload.count)
        }
        commit(length: length, to: remote)
    }

    /// Queues raw bytes (RTCP) for `remote`.
    func enqueue(bytes: [UInt8], to remote: SocketAddress) {
        guard let destination = SocketDestination(remote), bytes.count <= Self.slotSize else {
            dropped += 1
            return
        }
        reserve(count + 1)
        let slot = data + count * Self.slotSize
        bytes.withUnsafeBytes { raw in
            if let base = raw.baseAddress { slot.copyMemory(from: base, byteCount: raw.count) }
        }
        commit(length: bytes.count, to: destination)
    }

    /// Completes the slot being filled: its length and destination.
    private func commit(length: Int, to remote: SocketDestination) {
        lengths[count] = length
        UnsafeMutableRawPointer(addresses + count).storeBytes(of: remote.address, as: sockaddr_in6.self)
        addressLengths[count] = remote.length
        count += 1
    }

    /// Queued datagrams.
    var pending: Int { count }

    /// Sends everything queued: on `ring` when given (it goes at the ring's next submission,
    /// which must come before the next `enqueue`), else `sendmmsg` in batches of up to 1,024.
    func flush(through ring: SendRing? = nil) {
        guard count > 0 else { return }
        if ring == nil, count == 1 {
            // One datagram (a socket per channel): plain sendto(2), no message vector.
            let result = sendto(descriptor, data, lengths[0], 0,
                                UnsafeRawPointer(addresses).assumingMemoryBound(to: sockaddr.self), addressLengths[0])
            if result < 0 { dropped += 1 } else { sent += 1 }
            count = 0
            return
        }
        for index in 0..<count {
            vectors[index] = iovec(iov_base: data + index * Self.slotSize, iov_len: lengths[index])
            messages[index] = cmedia_mmsghdr(
                msg_hdr: msghdr(
                    msg_name: UnsafeMutableRawPointer(addresses + index), msg_namelen: addressLengths[index],
                    msg_iov: vectors + index, msg_iovlen: 1, msg_control: nil, msg_controllen: 0, msg_flags: 0),
                msg_len: 0)
        }
        if let ring {
            // Sent and refused datagrams are counted by the ring.
            dropped += count - ring.queueDatagrams(descriptor: descriptor, slot: ringSlot, messages: messages, count: count)
            count = 0
            return
        }
        var start = 0
        while start < count {
            let result = cmedia_sendmmsg(descriptor, messages + start, UInt32(min(Self.maximumBatch, count - start)))
            if result <= 0 {
                // EAGAIN (buffer full) or an error: drop the rest of this tick's batch.
                dropped += count - start
                break
            }
            sent += Int(result)
            start += Int(result)
        }
        count = 0
    }
}

/// An IP destination as `sendmsg(2)` takes it, converted from a `SocketAddress` once (when
/// a channel's remote address changes) rather than for every packet.
struct SocketDestination {
    /// The `sockaddr_in` or `sockaddr_in6`, in room for the larger.
    private(set) var address = sockaddr_in6()
    /// Its length.
    private(set) var length: socklen_t = 0

    /// Nil for a non-IP (Unix domain) address: RTP goes over UDP only.
    init?(_ remote: SocketAddress) {
        guard remote.protocol == .inet || remote.protocol == .inet6 else { return nil }
        remote.withSockAddr { pointer, size in
            let count = min(size, MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &address) { $0.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: count)) }
            length = socklen_t(count)
        }
    }
}
