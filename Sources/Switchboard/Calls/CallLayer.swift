import Flows
import Foundation
import Logging
import Media
import SIPCore
import Voicemail
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The call side of `switchboard serve`: the checked flows, the prompts, the media engine
/// on its own event loop, and reloading flows and prompts when their files change (calls
/// in progress keep the flows they started with).
public final class CallLayer: Sendable {
    let environment: CallEnvironment
    /// Where phones' registrations are kept.
    let locations: any LocationStore
    private let mediaGroup: MultiThreadedEventLoopGroup
    private let flowsDirectory: String
    private let promptsDirectory: String
    private let logger: Logger
    private let stamps: FolderStamp

    /// Why the call layer cannot start: the flows have errors (each as `file:line:col:
    /// message`) or a prompt cannot be loaded.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    private init(environment: CallEnvironment, locations: any LocationStore, mediaGroup: MultiThreadedEventLoopGroup,
                 flowsDirectory: String, promptsDirectory: String, logger: Logger) {
        self.environment = environment
        self.locations = locations
        self.mediaGroup = mediaGroup
        self.flowsDirectory = flowsDirectory
        self.promptsDirectory = promptsDirectory
        self.logger = logger
        self.stamps = FolderStamp(Self.modificationStamp(of: flowsDirectory))
    }

    /// Loads and checks the flows and prompts and starts the media engine.
    public static func start(flows: String, prompts: String, policy: CallPolicy = CallPolicy(),
                             rtpPorts: ClosedRange<Int> = 10000...20000, locations: any LocationStore = InMemoryLocationStore(),
                             voicemail: (any VoicemailStore)? = nil, status: SwitchboardStatus = SwitchboardStatus(),
                             clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger) async throws -> CallLayer {
        let system = try checkedFlows(flows, prompts: prompts)
        let library: PromptLibrary
        do { library = try PromptLibrary(directory: prompts) } catch {
            throw StartError(description: "prompts: \(error)")
        }
        let loops = max(1, policy.mediaLoops)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
        let media: MediaEnginePool
        do {
            media = try await MediaEnginePool.start(on: group, loops: loops, ports: rtpPorts,
                                                    writePath: policy.mediaIOUring ? .ioUring : .batched, phases: policy.mediaPhases,
                                                    sharedPort: policy.mediaSharedPort)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let environment = CallEnvironment(system: system, prompts: library, media: media, policy: policy,
                                          voicemail: voicemail, status: status, clock: clock)
        return CallLayer(environment: environment, locations: locations, mediaGroup: group, flowsDirectory: flows,
                         promptsDirectory: prompts, logger: logger)
    }

    private static func checkedFlows(_ flows: String, prompts: String) throws -> FlowSystem {
        let (system, diagnostics) = FlowSystemLoader().loadChecked(directory: flows, promptsRoot: prompts)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw StartError(description: "the flows have errors:\n" + errors.map(\.description).joined(separator: "\n"))
        }
        return system
    }

    /// The flows new calls run (for the web pages).
    public var flows: FlowSystem { environment.flows }

    /// The server's counters.
    public var status: SwitchboardStatus { environment.status }

    /// RTP counters and media clock lateness (for `/metrics`).
    func mediaCounters() async -> MediaCounters? {
        await environment.media.counters()
    }

    /// Whether `user` has a live registration (for the web pages).
    public func isRegistered(user: String) async -> Bool {
        !(await RegistrationService.contacts(ofUser: user, in: locations)).isEmpty
    }

    /// A transaction user that runs the flows for calls and registers phones (one per SIP
    /// server).
    public func makeRouter() -> CallRouter {
        CallRouter(environment: environment, locations: locations)
    }

    /// Reloads the flows when a file in their folder changed (and they check without
    /// errors; otherwise the running flows stay and the errors are logged), and the prompts
    /// whose files changed. Returns whether the flows were replaced.
    @discardableResult
    public func reloadIfChanged() -> Bool {
        do {
            let changed = try environment.prompts.reloadChanged()
            if !changed.isEmpty { logger.notice("reloaded prompts: \(changed.joined(separator: ", "))") }
        } catch {
            logger.error("prompt reload failed, keeping the old ones: \(error)")
        }
        let stamp = Self.modificationStamp(of: flowsDirectory)
        guard stamps.replace(with: stamp) else { return false }
        do {
            environment.replaceFlows(try Self.checkedFlows(flowsDirectory, prompts: promptsDirectory))
            logger.notice("reloaded flows from \(flowsDirectory); new calls use them")
            return true
        } catch {
            logger.error("flows not reloaded, calls keep the running ones: \(error)")
            return false
        }
    }

    /// Polls for changed files every `interval` until cancelled, and removes expired
    /// registrations from the location store about once a minute (RFC 3261 §10.3: an
    /// expired binding is gone; lookups already skip it, this keeps the store small).
    public func watch(every interval: Duration) async {
        var lastPurge = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            reloadIfChanged()
            if ContinuousClock.now - lastPurge >= .seconds(60) {
                lastPurge = .now
                await purgeExpiredRegistrations()
            }
        }
    }

    /// Drops the bindings that have expired; returns how many.
    @discardableResult
    public func purgeExpiredRegistrations() async -> Int {
        let removed = (try? await locations.purgeExpired(at: RegistrationService.wallClock())) ?? []
        if !removed.isEmpty { logger.info("removed \(removed.count) expired registrations") }
        return removed.count
    }

    /// Stops the media engines.
    public func stop() async {
        let summary = await environment.media.stop()
        logger.notice("\(summary)")
        try? await mediaGroup.shutdownGracefully()
    }

    /// Names, sizes and modification times of the folder's YAML files: any edit, addition or
    /// removal changes it.
    static func modificationStamp(of directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { name in
            let attributes = try? FileManager.default.attributesOfItem(atPath: (directory as NSString).appendingPathComponent(name))
            let date = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let size = (attributes?[.size] as? Int) ?? 0
            return "\(name) \(size) \(date)"
        }
    }
}

/// The last seen stamp of the flows folder.
private final class FolderStamp: Sendable {
    private let box: NIOLockedValueBox<[String]>

    init(_ initial: [String]) { box = NIOLockedValueBox(initial) }

    /// Stores `stamp`; true when it differs from the previous one.
    func replace(with stamp: [String]) -> Bool {
        box.withLockedValue { current in
            guard current != stamp else { return false }
            current = stamp
            return true
        }
    }
}

/// Reloads flows and prompts while `serve` runs (a ServiceLifecycle service).
public struct CallReloadService: Service {
    public let layer: CallLayer
    public let interval: Duration

    public init(layer: CallLayer, interval: Duration = .seconds(2)) {
        self.layer = layer
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await layer.watch(every: interval)
        }
    }
}
