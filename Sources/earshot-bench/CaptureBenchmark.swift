import ArgumentParser

/// Placeholder: replaced by the real benchmark when its module lands.
struct CaptureBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "capture")
    func run() throws { throw ValidationError("not implemented yet") }
}
