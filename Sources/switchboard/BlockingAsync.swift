import Foundation

/// Runs async work to completion from a synchronous command (`SwitchboardCommand` is a plain
/// `ParsableCommand`); the work runs on the cooperative pool while this thread waits.
func runBlocking<Value: Sendable>(_ work: @escaping @Sendable () async -> Value) -> Value {
    let box = BlockingResult<Value>()
    Task {
        box.value = await work()
        box.done.signal()
    }
    box.done.wait()
    // The semaphore orders the write before this read; the task always stores a value.
    guard let value = box.value else { preconditionFailure("async work finished without a value") }
    return value
}

/// Hands a value from the task back to the waiting thread; the semaphore orders the accesses.
private final class BlockingResult<Value: Sendable>: @unchecked Sendable {
    var value: Value?
    let done = DispatchSemaphore(value: 0)
}
