import ArgumentParser
import EarshotAudio
import EarshotRecognition
import Foundation

/// `earshot-cloud transcribe`: PocketSphinx over WAV files, with an optional word error rate.
struct Transcribe: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Transcribe WAV files with PocketSphinx; one 'FILE<TAB>HYPOTHESIS' line per file.",
        discussion: """
            Files are read as 16 kHz mono (other rates and channel counts are converted). With \
            --reference (utterance-id<TAB>text lines; the id is the file name without .wav) the \
            total word error rate follows the hypotheses. Decoding times go to stderr.
            """)

    @Argument(help: "WAV files.")
    var files: [String]

    @Option(help: "A JSGF grammar that constrains the words (default: free-form with the language model).")
    var jsgf: String?

    @Option(help: "Reference transcripts (TSV: utterance-id<TAB>text) for the word error rate.")
    var reference: String?

    @Option(help: "Decoders in the pool (files are decoded this many at a time).")
    var decoders: Int = 1

    @Option(help: "Folder of the acoustic model, language model and dictionary (Debian's en-us by default).")
    var modelDirectory: String = PocketSphinxConfiguration.debianModelDirectory

    func run() throws {
        guard decoders >= 1 else { throw ValidationError("--decoders must be at least 1") }
        let grammar = try jsgf.map { path -> RecognitionGrammar in
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read the grammar \(path)")
            }
            return RecognitionGrammar(id: path, jsgf: text)
        }
        let references = try reference.map(Self.readReferences)
        let recognizer: PocketSphinxRecognizer
        do {
            recognizer = try PocketSphinxRecognizer(
                PocketSphinxConfiguration(
                    acousticModel: modelDirectory + "/en-us", languageModel: modelDirectory + "/en-us.lm.bin",
                    dictionary: modelDirectory + "/cmudict-en-us.dict", decoders: decoders, checkoutTimeout: nil))
            if let grammar {
                let missing = try recognizer.missingWords(in: grammar)
                if !missing.isEmpty {
                    throw ValidationError(
                        "grammar \(grammar.id) uses words missing from the dictionary: \(missing.joined(separator: ", "))")
                }
            }
        } catch let error as RecognitionError {
            throw ValidationError(error.description)
        }

        let outcomes = Self.transcribeAll(files, recognizer: recognizer, grammar: grammar, threads: decoders)
        var total = WordErrorRate()
        var failures = 0
        var audioSeconds = 0.0
        var decodeSeconds = 0.0
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .success(let heard):
                print("\(file)\t\(heard.text)")
                audioSeconds += heard.audioSeconds
                decodeSeconds += heard.seconds
                let id = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                if let references {
                    if let text = references[id] {
                        total += WordErrorRate(reference: text, hypothesis: heard.text)
                    } else {
                        FileHandle.standardError.write(Data("transcribe: no reference for \(id)\n".utf8))
                    }
                }
            case .failure(let error):
                failures += 1
                // An AudioError already names the file.
                let line = error is AudioError ? "\(error)" : "\(file): \(error)"
                FileHandle.standardError.write(Data("transcribe: \(line)\n".utf8))
            }
        }
        if references != nil { print("total\t\(total)") }
        let summary = String(
            format: "transcribe: %d files, %.2f s of audio, %.3f s decoding, real-time factor %.4f, %d decoders\n",
            files.count - failures, audioSeconds, decodeSeconds, decodeSeconds / max(audioSeconds, 1e-9), decoders)
        FileHandle.standardError.write(Data(summary.utf8))
        if failures > 0 { throw ExitCode(1) }
    }

    /// Decodes every file, `threads` at a time, keeping the order of `files`.
    static func transcribeAll(
        _ files: [String], recognizer: PocketSphinxRecognizer, grammar: RecognitionGrammar?, threads: Int
    ) -> [Result<Transcription, Error>] {
        let results = Outcomes(count: files.count)
        DispatchQueue.concurrentPerform(iterations: min(threads, max(files.count, 1))) { _ in
            while let index = results.claimNext() {
                let outcome = Result { try recognizer.transcribe(try AudioFileReader.readAll(path: files[index]), grammar: grammar) }
                results.store(outcome, at: index)
            }
        }
        return results.values
    }

    /// `utterance-id<TAB>text` lines.
    static func readReferences(_ path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read the reference transcripts \(path)")
        }
        var references: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
            if fields.count == 2 { references[fields[0]] = fields[1] }
        }
        return references
    }
}

/// The results of files decoded on several threads, and the next file to take.
private final class Outcomes: @unchecked Sendable {
    // Invariant: `slots` and `next` are only touched with `lock` held.
    private let lock = NSLock()
    private var slots: [Result<Transcription, Error>?]
    private var next = 0

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func claimNext() -> Int? {
        lock.withLock {
            guard next < slots.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ outcome: Result<Transcription, Error>, at index: Int) { lock.withLock { slots[index] = outcome } }

    var values: [Result<Transcription, Error>] { lock.withLock { slots.map { $0! } } }
}
