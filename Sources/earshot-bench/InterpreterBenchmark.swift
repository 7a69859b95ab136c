import ArgumentParser
import EarshotInference
import Foundation

/// Per-invocation time of EarshotInference on a model, fed the inputs of a fixture file
/// (scripts/inference/benchmark.sh runs it beside the TFLite C library on the same inputs).
struct InterpreterBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpreter",
        abstract: "Time EarshotInference per invocation on a model and an ERF1 fixture of inputs.")

    @Argument(help: "The .tflite model.")
    var model: String

    @Argument(help: "ERF1 fixture: every record whose size is a multiple of the input size is cut into input-sized steps.")
    var fixture: String

    @Option(help: "Passes over all steps; the best is reported.")
    var repeats = 5

    @Flag(help: "Also print the time of each operator, summed by operator type.")
    var profile = false

    func run() throws {
        let interpreter = try Interpreter(model: try TFLiteModel(contentsOf: URL(fileURLWithPath: model)))
        let stepBytes = try interpreter.input(0).byteCount
        let steps = try Self.inputSteps(fixture: fixture, stepBytes: stepBytes)
        guard !steps.isEmpty else { throw ValidationError("no input-sized data in \(fixture)") }
        var best = Double.infinity
        var checksum = 0
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            for step in steps {
                try step.withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
                try interpreter.invoke()
                checksum &+= try interpreter.withOutputBytes(0) { Int($0[0]) }
            }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(steps.count)
            best = min(best, elapsed)
        }
        print(String(format: "%.1f ns/invoke (%d invocations per pass, best of %d, checksum %d)", best, steps.count, repeats, checksum))
        if profile {
            var byType: [String: Double] = [:]
            for timing in try interpreter.profileOperators(invocations: steps.count) {
                byType[timing.opcode.name, default: 0] += timing.nanoseconds
            }
            for (name, ns) in byType.sorted(by: { $0.value > $1.value }) {
                print(String(format: "  %-20@ %9.1f ns", name as NSString, ns))
            }
        }
    }

    /// Cuts the fixture's records into input-sized steps (layout: Fixtures/README.md).
    static func inputSteps(fixture: String, stepBytes: Int) throws -> [[UInt8]] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture)))
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        guard bytes.count >= 8, bytes.starts(with: Array("ERF1".utf8)), stepBytes > 0 else {
            throw ValidationError("\(fixture) is not an ERF1 fixture")
        }
        let elementSizes = [4, 2, 4, 1, 8, 0, 1, 2, 8, 1]
        var steps: [[UInt8]] = []
        var at = 8
        for _ in 0..<u32(4) {
            let type = Int(bytes[at])
            let rank = Int(bytes[at + 1])
            at += 4
            var elements = 1
            for _ in 0..<rank {
                elements *= u32(at)
                at += 4
            }
            let size = elements * (type < elementSizes.count ? elementSizes[type] : 1)
            if size % stepBytes == 0 {
                for offset in stride(from: 0, to: size, by: stepBytes) {
                    steps.append(Array(bytes[(at + offset)..<(at + offset + stepBytes)]))
                }
            }
            at += size
        }
        return steps
    }
}
