import ArgumentParser

/// Placeholder: replaced by the real benchmark when its module lands.
struct FrontendBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "frontend")
    func run() throws { throw ValidationError("not implemented yet") }
}
