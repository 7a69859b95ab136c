import ArgumentParser
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Set by SIGINT/SIGTERM: the work in hand finishes (a file is completed, a segment spooled)
/// before the program exits.
let stopRequested = Atomic<Bool>(false)

/// Routes SIGINT and SIGTERM to ``stopRequested``.
func installStopSignals() {
    for signalNumber in [SIGINT, SIGTERM] {
        signal(signalNumber) { _ in stopRequested.store(true, ordering: .relaxed) }
    }
}

/// The offline edge agent.
@main
struct EarshotEdgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earshot-edge",
        abstract: "Earshot's offline edge agent: microphone in, wake word, segments to the cloud.",
        subcommands: [Run.self, Record.self, Status.self],
        defaultSubcommand: Run.self
    )
}
