import EarshotInference

/// Loads arbitrary bytes as a model and, when that succeeds, prepares and runs it once.
/// Any outcome but a thrown ``InferenceError`` (a crash, a trap, a sanitizer report) is a bug.
func fuzzOneModel(_ bytes: [UInt8]) {
    guard let model = try? TFLiteModel(bytes: bytes),
        let interpreter = try? Interpreter(model: model),
        interpreter.arenaByteCount <= 1 << 24
    else { return }
    _ = try? interpreter.invoke()
}

#if EARSHOT_FUZZ
    /// libFuzzer's entry point. Build and run (Fuzzing section of scripts/inference/README.md):
    ///
    ///     swift build --product earshot-inference-fuzz --build-path .build-fuzz \
    ///       -Xswiftc -sanitize=fuzzer,address -Xswiftc -DEARSHOT_FUZZ
    ///     .build-fuzz/debug/earshot-inference-fuzz corpus/ -max_len=200000
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
        fuzzOneModel(Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }

    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
    ) -> Int32

    /// SwiftPM links executables with `main` aliased to this symbol; hand over to libFuzzer.
    @_cdecl("earshot_inference_fuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
    }
#else
    import Foundation

    /// Without libFuzzer: replays the files named on the command line (a corpus or crash
    /// reproducers) through the same entry.
    @main
    struct InferenceFuzzReplay {
        static func main() throws {
            for path in CommandLine.arguments.dropFirst() {
                fuzzOneModel([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
                print("ok \(path)")
            }
        }
    }
#endif
