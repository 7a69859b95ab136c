import Foundation

/// Speech recognition with CMU PocketSphinx over a fixed pool of decoders.
///
/// The decoders are created once, in `init` (each loads the acoustic model, language model
/// and dictionary: about a second and tens of megabytes), and every call borrows one and
/// gives it back; nothing is loaded per request. A grammar is compiled once per decoder and
/// kept under its id. Calls block their thread; make them from worker threads.
///
/// ```swift
/// let recognizer = try PocketSphinxRecognizer(PocketSphinxConfiguration(decoders: 4))
/// let heard = try recognizer.transcribe(samples)            // free-form
/// let command = try recognizer.transcribe(samples, grammar: lights)  // within a grammar
/// ```
public final class PocketSphinxRecognizer: SpeechRecognizer {
    /// Counts that show how the pool is used.
    public struct Statistics: Sendable, Equatable {
        /// Decoders created (`ps_init` calls) since `init`: always the pool size.
        public let decodersCreated: Int
        /// Decoders that served at least one call.
        public let decodersUsed: Int
        /// Calls that borrowed a decoder.
        public let checkouts: Int
        /// The most decoders lent at the same moment.
        public let peakConcurrent: Int
    }

    /// The configuration the decoders were made from.
    public let configuration: PocketSphinxConfiguration
    private let pool: DecoderPool<PocketSphinxDecoder>

    /// Loads `configuration.decoders` decoders.
    /// - Throws: ``RecognitionError`` `.modelNotFound` naming a missing model file,
    ///   `.decoderInitFailed` when the engine refuses the options or the model, or
    ///   `.invalidArgument` for a pool of fewer than one decoder.
    public init(_ configuration: PocketSphinxConfiguration = PocketSphinxConfiguration()) throws {
        guard configuration.decoders >= 1 else {
            throw RecognitionError(
                .invalidArgument, "PocketSphinxConfiguration.decoders", "need at least one decoder, got \(configuration.decoders)")
        }
        self.configuration = configuration
        pool = try DecoderPool(count: configuration.decoders) { _ in try PocketSphinxDecoder(configuration: configuration) }
    }

    /// The acoustic model's sample rate (16 kHz for Debian's en-us model).
    public var sampleRate: Int { configuration.sampleRate }

    /// Decoders in the pool.
    public var decoderCount: Int { pool.size }

    /// How the pool has been used so far.
    public var statistics: Statistics {
        let counts = pool.statistics
        return Statistics(
            decodersCreated: pool.size, decodersUsed: counts.distinctUsed, checkouts: counts.checkouts,
            peakConcurrent: counts.peakInUse)
    }

    /// Recognizes one utterance; see ``SpeechRecognizer/transcribe(_:sampleRate:grammar:)``.
    ///
    /// Empty audio gives an empty transcription without touching a decoder.
    public func transcribe(_ samples: [Int16], sampleRate: Int, grammar: RecognitionGrammar?) throws -> Transcription {
        guard sampleRate == configuration.sampleRate else {
            throw RecognitionError(
                .unsupportedSampleRate, "audio",
                "sample rate \(sampleRate) Hz; the acoustic model needs \(configuration.sampleRate) Hz (resample first)")
        }
        if samples.isEmpty {
            return Transcription(text: "", words: [], score: 0, confidence: nil, audioSeconds: 0, seconds: 0)
        }
        return try pool.withDecoder(timeout: configuration.checkoutTimeout) { try $0.decode(samples, grammar: grammar) }
    }

    /// Decodes `samples` with every decoder, within each of `grammars` (nil: free-form), so that
    /// the first requests do not pay for the model pages a decoder touches on first use or for
    /// compiling the grammars (a cold decoder takes about twice as long; BENCHMARKS.md).
    ///
    /// - Returns: the seconds it took.
    @discardableResult
    public func warmUp(_ samples: [Int16], grammars: [RecognitionGrammar?] = [nil]) throws -> Double {
        let begin = DispatchTime.now().uptimeNanoseconds
        guard !samples.isEmpty else { return 0 }
        try pool.withEachDecoder(timeout: configuration.checkoutTimeout) { decoder in
            for grammar in grammars { _ = try decoder.decode(samples, grammar: grammar) }
        }
        return Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
    }

    /// The words of `vocabulary` that the pronunciation dictionary lacks.
    public func missingWords(in vocabulary: [String]) throws -> [String] {
        try pool.withDecoder(timeout: configuration.checkoutTimeout) { decoder in
            vocabulary.filter { !decoder.knows($0) }
        }
    }
}
