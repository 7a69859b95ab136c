/// A speech recognition engine: 16-bit mono audio in, words out.
///
/// Calls are synchronous and block the calling thread for the length of the decoding (tens
/// of milliseconds to seconds), so make them from inference worker threads, never from the
/// Swift cooperative pool. Implementations are safe to call from several threads at once.
public protocol SpeechRecognizer: Sendable {
    /// The sample rate the engine's acoustic model expects, in Hz.
    var sampleRate: Int { get }

    /// Recognizes one utterance.
    ///
    /// - Parameters:
    ///   - samples: The whole utterance, mono 16-bit PCM.
    ///   - sampleRate: The rate of `samples`; must equal ``sampleRate``.
    ///   - grammar: Constrains the result to the grammar's sentences; `nil` for free-form
    ///     transcription with the language model.
    /// - Throws: ``RecognitionError`` (`.unsupportedSampleRate`, `.invalidGrammar`,
    ///   `.noDecoderFree`, `.decodingFailed`).
    func transcribe(_ samples: [Int16], sampleRate: Int, grammar: RecognitionGrammar?) throws -> Transcription

    /// The words of `vocabulary` that the engine's dictionary does not know (case-insensitive),
    /// in the order given; empty when every word can be recognized.
    func missingWords(in vocabulary: [String]) throws -> [String]
}

extension SpeechRecognizer {
    /// Recognizes one utterance at the engine's own ``sampleRate``.
    public func transcribe(_ samples: [Int16], grammar: RecognitionGrammar? = nil) throws -> Transcription {
        try transcribe(samples, sampleRate: sampleRate, grammar: grammar)
    }

    /// Checks that a grammar compiles to words the dictionary knows.
    /// - Returns: the grammar's words that are missing from the dictionary.
    public func missingWords(in grammar: RecognitionGrammar) throws -> [String] {
        try missingWords(in: grammar.vocabulary)
    }
}
