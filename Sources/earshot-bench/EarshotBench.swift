import ArgumentParser

/// Release-build benchmarks. Each subcommand measures one path and prints the figure
/// beside its reference, measured in the same run by the script that invokes it.
@main
struct EarshotBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earshot-bench",
        abstract: "Release-build benchmarks for Earshot's hot paths.",
        subcommands: [FrontendBenchmark.self, CaptureBenchmark.self, InterpreterBenchmark.self, RecognizerBenchmark.self]
    )
}
