import Foundation
import Testing

@testable import EarshotInference

/// Thousands of deterministic random corruptions of real model files: byte flips,
/// truncations, swapped and shifted 32-bit words (offsets, lengths, indices). Each must
/// load (and then run) or throw an ``InferenceError``; none may crash.
@Suite struct ModelMutationTests {
    /// SplitMix64: small, deterministic, good enough to pick mutations.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func mutate(_ original: [UInt8], _ rng: inout Generator) -> (bytes: [UInt8], what: String) {
        var bytes = original
        let kind = Int.random(in: 0..<5, using: &rng)
        switch kind {
        case 0:
            let n = Int.random(in: 1...8, using: &rng)
            for _ in 0..<n { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            return (bytes, "\(n) random bytes")
        case 1:
            let length = Int.random(in: 0..<bytes.count, using: &rng)
            return (Array(bytes[0..<length]), "truncated to \(length)")
        case 2:
            let words = bytes.count / 4
            let a = Int.random(in: 0..<words, using: &rng) * 4
            let b = Int.random(in: 0..<words, using: &rng) * 4
            for i in 0..<4 { bytes.swapAt(a + i, b + i) }
            return (bytes, "swapped words at \(a) and \(b)")
        case 3:
            // Shift a 32-bit word (an offset, a length or an index) by a small amount.
            let at = Int.random(in: 0..<(bytes.count / 4), using: &rng) * 4
            let value = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            let shifted = value &+ UInt32(bitPattern: Int32.random(in: -64...64, using: &rng))
            for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: shifted >> (8 * UInt32(i))) }
            return (bytes, "word at \(at) shifted")
        default:
            // Overwrite a word with an extreme value.
            let at = Int.random(in: 0..<(bytes.count / 4), using: &rng) * 4
            let extreme: [UInt32] = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, UInt32(bytes.count), UInt32(bytes.count - 4)]
            let value = extreme[Int.random(in: 0..<extreme.count, using: &rng)]
            for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
            return (bytes, "word at \(at) set to \(value)")
        }
    }

    @Test(arguments: [("hey_mycroft", UInt64(1), 1500), ("okay_nabu", UInt64(2), 1500)])
    func mutatedModelsLoadOrFailCleanly(_ name: String, _ seed: UInt64, _ count: Int) throws {
        let original = [UInt8](try Data(contentsOf: try FixtureFiles.referenceModel("microwakeword/\(name).tflite")))
        let baseline = try Interpreter(model: try TFLiteModel(bytes: original))
        var rng = Generator(state: seed)
        var loaded = 0
        var ran = 0
        var runtimeErrors = 0
        var errors: [String: Int] = [:]
        for _ in 0..<count {
            let (bytes, _) = Self.mutate(original, &rng)
            let interpreter: Interpreter
            do {
                interpreter = try Interpreter(model: try TFLiteModel(bytes: bytes))
                loaded += 1
            } catch let error as InferenceError {
                #expect(!error.message.isEmpty)
                errors[error.code.description, default: 0] += 1
                continue
            }
            // Run only graphs of similar size, so that a corrupted shape cannot make the test slow.
            guard interpreter.arenaByteCount <= 2 * baseline.arenaByteCount else { continue }
            do {
                for _ in 0..<3 { try interpreter.invoke() }
                ran += 1
            } catch let error as InferenceError {
                #expect(error.code == .runtimeFailure)
                runtimeErrors += 1
            }
        }
        // Corruption of weights alone loads fine; most structural damage must be caught.
        #expect(loaded + errors.values.reduce(0, +) == count)
        #expect(errors.values.reduce(0, +) > count / 10)
        print("\(name): \(count) mutations: \(loaded) loaded (\(ran) ran, \(runtimeErrors) failed at run time), load errors \(errors)")
    }

    @Test func errorsNameTheTableAndField() throws {
        var bytes = [UInt8](try Data(contentsOf: try FixtureFiles.referenceModel("microwakeword/alexa.tflite")))
        bytes = Array(bytes[0..<(bytes.count / 2)])
        do {
            _ = try TFLiteModel(bytes: bytes)
            Issue.record("a truncated model loaded")
        } catch let error as InferenceError {
            #expect(error.code == .malformedModel)
            #expect(error.message.contains("Model."), "message should name the table: \(error.message)")
        }
        #expect(throws: InferenceError.self) { try TFLiteModel(bytes: Array("not a model at all".utf8)) }
        #expect(throws: InferenceError.self) { try TFLiteModel(bytes: []) }
    }

    @Test func unreadableModelFilesAreNamedWithTheReason() throws {
        let model = try FixtureFiles.referenceModel("microwakeword/alexa.tflite")
        #expect(try TFLiteModel(contentsOf: model).subgraphCount >= 1)
        let missing = URL(fileURLWithPath: "/nonexistent/earshot/model.tflite")
        #expect {
            try TFLiteModel(contentsOf: missing)
        } throws: {
            let error = $0 as? InferenceError
            return error?.code == .ioFailure && error?.message.contains("/nonexistent/earshot/model.tflite: No such file or directory") == true
        }
        #expect {
            try TFLiteModel(contentsOf: URL(fileURLWithPath: NSTemporaryDirectory()))
        } throws: { ($0 as? InferenceError)?.message.contains("not a regular file") == true }
    }
}
