import Foundation
import Testing

@testable import EarshotInference

@Suite struct DebugDumpTests {
    @Test func dump() throws {
        guard let step = ProcessInfo.processInfo.environment["DUMP_STEP"].flatMap(Int.init) else { return }
        let name = ProcessInfo.processInfo.environment["DUMP_MODEL"] ?? "hey_mycroft"
        let interpreter = try Interpreter(model: try TFLiteModel(contentsOf: try FixtureFiles.referenceModel("microwakeword/\(name).tflite")))
        let inputs = try FixtureFiles.records("microwakeword-inputs.bin")[0]
        for s in 0...step {
            try inputs.data[(s * 120)..<((s + 1) * 120)].withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
            try interpreter.invoke()
        }
        var lines: [String] = []
        for t in 0..<interpreter.model.subgraphs[0].tensors.count {
            lines.append("\(t) " + interpreter.tensorBytes(subgraph: 0, tensor: t).map { String(Int8(bitPattern: $0)) }.joined(separator: ","))
        }
        try lines.joined(separator: "\n").write(toFile: "/tmp/ours.txt", atomically: true, encoding: .utf8)
    }
}
