import CPocketSphinx
import Foundation

/// One PocketSphinx decoder (`ps_decoder_t`) with the grammars it has compiled.
///
/// Not thread-safe: ``DecoderPool`` hands it to one thread at a time.
final class PocketSphinxDecoder {
    private let handle: OpaquePointer
    /// The n-gram search `ps_init` set up from `-lm` (`_default`).
    private let languageModelSearch: String
    /// The search the next utterance runs (switching costs a rebuild, so it is tracked).
    private var activeSearch: String
    /// Ids of the grammars compiled into this decoder (search `grammar:<id>`).
    private var compiledGrammars = Set<String>()
    private let framesPerSecond: Double
    private let sampleRate: Int
    private let computesConfidence: Bool

    /// Turns the library's logging off once per process (it writes the whole configuration
    /// and per-utterance timings to stderr otherwise).
    private static let loggingSilenced: Void = earshot_ps_silence_logging()

    /// Loads the model named by `configuration` into a new decoder.
    init(configuration: PocketSphinxConfiguration) throws {
        _ = Self.loggingSilenced
        try Self.checkModelFiles(configuration)
        let arguments = configuration.arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        defer { cArguments.forEach { free($0) } }
        guard let config = earshot_ps_config(Int32(cArguments.count), &cArguments) else {
            throw RecognitionError(
                .decoderInitFailed, configuration.acousticModel,
                "PocketSphinx rejected the options \(arguments.joined(separator: " "))")
        }
        defer { cmd_ln_free_r(config) }
        guard let decoder = ps_init(config) else {
            throw RecognitionError(
                .decoderInitFailed, configuration.acousticModel,
                "PocketSphinx could not load the model (acoustic model \(configuration.acousticModel), "
                    + "language model \(configuration.languageModel), dictionary \(configuration.dictionary))")
        }
        handle = decoder
        let search = ps_get_search(decoder).map { String(cString: $0) } ?? "_default"
        languageModelSearch = search
        activeSearch = search
        framesPerSecond = Double(cmd_ln_int_r(config, "-frate"))
        sampleRate = configuration.sampleRate
        computesConfidence = configuration.computesConfidence
    }

    deinit { ps_free(handle) }

    /// Decodes one whole utterance, with the language model or within `grammar`.
    func decode(_ samples: [Int16], grammar: RecognitionGrammar?) throws -> Transcription {
        let start = DispatchTime.now().uptimeNanoseconds
        try selectSearch(for: grammar)
        let location = grammar.map { "grammar '\($0.id)'" } ?? "language model"
        guard ps_start_utt(handle) >= 0 else {
            throw RecognitionError(.decodingFailed, location, "ps_start_utt failed")
        }
        // One call with full_utt set: the features are normalized over the whole utterance
        // (batch CMN), as pocketsphinx_batch does.
        let searched = samples.withUnsafeBufferPointer { buffer in
            ps_process_raw(handle, buffer.baseAddress, buffer.count, 0, 1)
        }
        let ended = ps_end_utt(handle)
        guard searched >= 0, ended >= 0 else {
            throw RecognitionError(.decodingFailed, location, "PocketSphinx failed on \(samples.count) samples")
        }
        var score: Int32 = 0
        let hypothesis = ps_get_hyp(handle, &score).map { String(cString: $0) } ?? ""
        let confidence = computesConfidence && !hypothesis.isEmpty ? earshot_ps_probability(handle, ps_get_prob(handle)) : nil
        let text = hypothesis.split(separator: " ").compactMap { Self.spokenWord(String($0)) }.joined(separator: " ")
        var words: [Transcription.Word] = []
        var segment = ps_seg_iter(handle)
        while let current = segment {
            var first: Int32 = 0
            var last: Int32 = 0
            ps_seg_frames(current, &first, &last)
            if let word = ps_seg_word(current).flatMap({ Self.spokenWord(String(cString: $0)) }) {
                words.append(
                    Transcription.Word(
                        text: word, start: Double(first) / framesPerSecond, end: Double(last + 1) / framesPerSecond))
            }
            segment = ps_seg_next(current)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Transcription(
            text: text, words: words, score: Int(score),
            confidence: confidence,
            audioSeconds: Double(samples.count) / Double(sampleRate), seconds: seconds)
    }

    /// Whether the dictionary holds `word` (the dictionary is lowercase).
    func knows(_ word: String) -> Bool {
        earshot_ps_has_word(handle, word.lowercased()) != 0
    }

    /// Activates the language model or the grammar, compiling the grammar on first use.
    private func selectSearch(for grammar: RecognitionGrammar?) throws {
        var search = languageModelSearch
        if let grammar {
            search = "grammar:" + grammar.id
            if !compiledGrammars.contains(grammar.id) {
                guard ps_set_jsgf_string(handle, search, grammar.jsgf) >= 0 else {
                    let missing = grammar.vocabulary.filter { !knows($0) }
                    let why =
                        missing.isEmpty
                        ? "not valid JSGF (or it has no public rule)"
                        : "uses words missing from the dictionary: \(missing.joined(separator: ", "))"
                    throw RecognitionError(.invalidGrammar, "grammar '\(grammar.id)'", why)
                }
                compiledGrammars.insert(grammar.id)
            }
        }
        if search != activeSearch {
            guard ps_set_search(handle, search) >= 0 else {
                throw RecognitionError(.decodingFailed, search, "PocketSphinx could not activate the search")
            }
            activeSearch = search
        }
    }

    /// The word without its alternate-pronunciation suffix (`the(2)` → `the`), lowercased;
    /// `nil` for fillers and sentence markers (`<s>`, `</s>`, `<sil>`, `[NOISE]`, `++UH++`).
    static func spokenWord(_ token: String) -> String? {
        guard let first = token.first, !"<[+".contains(first), !token.isEmpty else { return nil }
        var word = Substring(token)
        if word.hasSuffix(")"), let open = word.lastIndex(of: "(") { word = word[..<open] }
        return word.isEmpty ? nil : word.lowercased()
    }

    /// Fails with `.modelNotFound` naming the first missing model file.
    private static func checkModelFiles(_ configuration: PocketSphinxConfiguration) throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: configuration.acousticModel, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw RecognitionError(.modelNotFound, configuration.acousticModel, "acoustic model folder not found")
        }
        for name in ["mdef", "means", "variances", "transition_matrices"] {
            let path = configuration.acousticModel + "/" + name
            guard files.fileExists(atPath: path) else {
                throw RecognitionError(.modelNotFound, path, "acoustic model file not found")
            }
        }
        guard files.fileExists(atPath: configuration.languageModel) else {
            throw RecognitionError(.modelNotFound, configuration.languageModel, "language model not found")
        }
        guard files.fileExists(atPath: configuration.dictionary) else {
            throw RecognitionError(.modelNotFound, configuration.dictionary, "pronunciation dictionary not found")
        }
    }
}
