#if canImport(Glibc)
import Glibc
#endif

/// Runs a blocking socket call again while a signal interrupts it (`EINTR`).
///
/// A `recv` on a socket with `SO_RCVTIMEO` is never restarted after a signal handler ran,
/// even with `SA_RESTART` (signal(7)), and the test process handles signals. Without the
/// retry a test's `recv` now and then returned "nothing" (`EINTR`) long before its timeout.
public func retryingInterrupted(_ call: () -> Int) -> Int {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
