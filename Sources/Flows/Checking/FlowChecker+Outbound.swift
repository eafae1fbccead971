/// The toll-fraud guard: every outside number or URI a flow or the directory can ring must match
/// one of the directory's `outbound.allowed` patterns.
extension FlowChecker {
    func checkOutbound(_ log: inout DiagnosticLog) {
        for person in system.directory.people {
            let targets = person.phones + [person.forwarding.always, person.forwarding.busy, person.forwarding.noAnswer].compactMap { $0 }
            for target in targets { checkOutboundTarget(target, &log) }
        }
    }

    func checkOutboundTarget(_ target: Located<String>, _ log: inout DiagnosticLog) {
        guard !TransferDestination.isDynamic(target.value) else { return }
        if !system.directory.allowsOutbound(target.value) {
            log.error(.outboundNotAllowed, at: target.location,
                      "'\(target.value)' is outside the allowed outbound destinations",
                      hint: system.directory.allowedOutbound.isEmpty
                        ? "add a pattern under 'outbound: allowed:' in directory.yaml (no outside calls are allowed now)"
                        : "allowed: \(system.directory.allowedOutbound.map(\.value).joined(separator: ", "))")
        }
    }
}
