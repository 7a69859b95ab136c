import ArgumentParser
import EarshotAudio
import EarshotEdge
import EarshotFeatures

/// Feeds recorded audio through Earshot's pipeline.
@main
struct EarshotReplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earshot-replay",
        abstract: "Replay recorded audio through Earshot's edge pipeline.",
        subcommands: [Scan.self, Classify.self, Eval.self, Features.self, Segments.self]
    )
}

/// Writes the feature frontend's output for a recording.
struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute the frontend's features for a WAV file and write them as .npy.",
        discussion: """
            The features are what the edge models see: 40 channels every 10 ms from a 30 ms
            window (TFLite Micro's audio frontend as microWakeWord configures it), computed by
            the same code the agent runs. The output is a NumPy .npy array of shape
            (frames, 40): float32 by default (the values microWakeWord's models are fed), or the
            frontend's raw uint16 values with --raw. Any WAV encoding, rate and channel count is
            read; it is converted to 16 kHz mono first.
            """
    )

    @Argument(help: "The WAV file to read.")
    var input: String

    @Option(name: .shortAndLong, help: "The .npy file to write (default: the input's name with .npy).")
    var output: String?

    @Flag(help: "Write the frontend's raw uint16 values instead of float32 features.")
    var raw = false

    func run() throws {
        let destination = output ?? Self.replacingExtension(of: input, with: "npy")
        let source = try AudioFileReader(path: input)
        let frontend = try FeatureFrontend(configuration: .microWakeWord)
        let writer = try NPYWriter(path: destination, columnCount: frontend.channelCount, elementType: raw ? .uint16 : .float32)
        let samples = try source.forEachChunk(size: 16_000) { chunk in
            try frontend.process(chunk) { frame in
                if raw { try writer.append(frame.values) } else { try writer.append(frame.features) }
            }
        }
        try writer.finish()
        print(
            "earshot-replay: \(writer.rowCount) frames × \(frontend.channelCount) from \(samples) samples (\(source.sourceFormat)) → \(destination)"
        )
    }

    private static func replacingExtension(of path: String, with newExtension: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return path + "." + newExtension }
        return String(path.dropLast(name.distance(from: dot, to: name.endIndex))) + "." + newExtension
    }
}
