import ArgumentParser

/// Placeholder: replaced by the real benchmark when its module lands.
struct InterpreterBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "interpreter")
    func run() throws { throw ValidationError("not implemented yet") }
}
