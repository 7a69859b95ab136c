import Dispatch
import EarshotIntent
import EarshotRecognition
import EarshotWire

/// What the understanding stage made of one segment.
public struct Understanding: Sendable, Equatable {
    /// What was said: the grammar's hypothesis when understood, else the free-form transcript.
    public var transcript: String
    /// The intent and slots, or "not understood".
    public var result: IntentResult
    /// The grammar path's score over the free-form path's (both negative log scores; lower
    /// means the grammar explains the audio about as well as free speech does). `nil` when a
    /// pass gave nothing.
    public var scoreRatio: Double?
    /// Seconds spent recognizing (both passes).
    public var recognizeSeconds: Double
    /// Seconds spent parsing.
    public var parseSeconds: Double
}

/// An answer about a segment that says what was understood of it: the service's
/// ``SegmentPrediction`` and `earshot-cloud batch`'s ``BatchResult``.
public protocol UnderstandingAnswer {
    var transcript: String? { get set }
    var intent: String? { get set }
    var slots: [String: String]? { get set }
    var understood: Bool? { get set }
}

extension UnderstandingAnswer {
    /// Fills the transcript, intent, slots and understood flag from `understanding`. Without
    /// one, the answer says "not understood" when understanding was `attempted` (the service
    /// understands commands but the wake word was rejected) and leaves the fields out otherwise.
    public mutating func record(_ understanding: Understanding?, attempted: Bool) {
        if let understanding {
            transcript = understanding.transcript
            intent = understanding.result.intent
            slots = understanding.result.isUnderstood ? understanding.result.slots : nil
            understood = understanding.result.isUnderstood
        } else if attempted {
            understood = false
        }
    }
}

extension SegmentPrediction: UnderstandingAnswer {}

/// Speech-to-intent for one segment: recognize it twice — constrained by the context's grammar
/// and free-form with the language model — and accept the grammar's sentence only when it
/// parses and explains the audio nearly as well as unconstrained speech does. Anything else is
/// "not understood" with the free-form transcript: a grammar alone always finds its nearest
/// sentence, which for speech outside the context would be a guess.
///
/// Synchronous: call it on an inference worker thread.
public struct CommandUnderstanding: Sendable {
    /// The recognizer of the grammar pass.
    public let recognizer: any SpeechRecognizer
    /// The recognizer of the free-form pass (often the same one).
    public let freeFormRecognizer: any SpeechRecognizer
    /// The highest accepted ``Understanding/scoreRatio``.
    public let maximumScoreRatio: Double
    /// The recognizer as the prediction names it.
    public let reference: ModelReference

    /// Tuned on the validation split of `scripts/cloud/synth-commands.sh` (in-grammar commands)
    /// against real non-command speech (see BENCHMARKS.md, "Speech-to-intent").
    public static let defaultMaximumScoreRatio = 0.9

    /// The grammar pass's decoder options: wider beams and more Gaussians per frame than
    /// PocketSphinx's defaults (fewer "no path through the grammar" failures on clean
    /// synthetic speech), measured on the command validation set. Cheap with a small grammar;
    /// the free-form pass keeps the defaults, where wide beams would cost several times more.
    public static let decoderOptions = ["-beam": "1e-80", "-wbeam": "1e-60", "-pbeam": "1e-80", "-topn": "8"]

    /// PocketSphinx recognizers for the two passes, `decoders` each, from the en-us model in
    /// `modelDirectory`: the grammar pass with ``decoderOptions``, the free-form pass with the
    /// engine's defaults.
    ///
    /// - Throws: ``RecognitionError`` when a model file is missing or the engine refuses it.
    public static func pocketSphinxRecognizers(
        decoders: Int, modelDirectory: String = PocketSphinxConfiguration.debianModelDirectory
    ) throws -> (grammar: PocketSphinxRecognizer, freeForm: PocketSphinxRecognizer) {
        func configuration(_ options: [String: String]) -> PocketSphinxConfiguration {
            PocketSphinxConfiguration(
                acousticModel: "\(modelDirectory)/en-us", languageModel: "\(modelDirectory)/en-us.lm.bin",
                dictionary: "\(modelDirectory)/cmudict-en-us.dict", decoders: decoders, options: options)
        }
        return (try PocketSphinxRecognizer(configuration(decoderOptions)), try PocketSphinxRecognizer(configuration([:])))
    }

    /// Creates the stage.
    public init(
        recognizer: any SpeechRecognizer, freeFormRecognizer: (any SpeechRecognizer)? = nil,
        maximumScoreRatio: Double = Self.defaultMaximumScoreRatio,
        reference: ModelReference = ModelReference(name: "pocketsphinx-en-us", version: "5prealpha", role: "recognizer")
    ) {
        self.recognizer = recognizer
        self.freeFormRecognizer = freeFormRecognizer ?? recognizer
        self.maximumScoreRatio = maximumScoreRatio
        self.reference = reference
    }

    /// Recognizes and parses `samples` (16 kHz) in `context`; the segment may start with `wakeWord`.
    /// Runs both passes one after the other on the calling thread (batch tools; the service runs
    /// them as two jobs, see ``SegmentPipeline``).
    public func understand(_ samples: [Int16], context: LoadedContext, wakeWord: String?) throws -> Understanding {
        let begin = DispatchTime.now().uptimeNanoseconds
        let audio = Self.withNoiseFloor(samples)
        let constrained = try recognizeInGrammar(audio, context: context, wakeWord: wakeWord)
        let free = try recognizeFreely(audio)
        let recognized = DispatchTime.now().uptimeNanoseconds
        return decide(constrained: constrained, free: free, context: context, wakeWord: wakeWord, recognizeSeconds: Double(recognized - begin) / 1e9)
    }

    /// The grammar pass on `audio` (already through ``withNoiseFloor(_:)``).
    public func recognizeInGrammar(_ audio: [Int16], context: LoadedContext, wakeWord: String?) throws -> Transcription {
        try recognizer.transcribe(audio, grammar: context.grammar(wakeWord: wakeWord))
    }

    /// The free-form pass on `audio` (already through ``withNoiseFloor(_:)``).
    public func recognizeFreely(_ audio: [Int16]) throws -> Transcription {
        try freeFormRecognizer.transcribe(audio, grammar: nil)
    }

    /// Accepts the grammar pass's sentence when it parses and scores within
    /// ``maximumScoreRatio`` of the free-form pass; else "not understood" with the free-form text.
    public func decide(
        constrained: Transcription, free: Transcription, context: LoadedContext, wakeWord: String?, recognizeSeconds: Double
    ) -> Understanding {
        let begin = DispatchTime.now().uptimeNanoseconds
        var ratio: Double?
        if !constrained.text.isEmpty, !free.text.isEmpty, free.score < 0 {
            ratio = Double(constrained.score) / Double(free.score)
        }
        var result = IntentResult.notUnderstood(transcript: free.text)
        var transcript = free.text
        if let ratio, ratio <= maximumScoreRatio {
            let parsed = context.context.parser.parse(context.strippingWakeWord(constrained.text, wakeWord: wakeWord))
            if parsed.isUnderstood {
                result = parsed
                transcript = constrained.text
            }
        }
        let parsed = DispatchTime.now().uptimeNanoseconds
        return Understanding(
            transcript: transcript, result: result, scoreRatio: ratio,
            recognizeSeconds: recognizeSeconds, parseSeconds: Double(parsed - begin) / 1e9)
    }

    /// `samples` with a faint deterministic noise floor (about -65 dBFS): PocketSphinx's
    /// feature normalization fails on runs of digital silence (synthetic or gated audio), and
    /// real microphones never deliver them.
    public static func withNoiseFloor(_ samples: [Int16]) -> [Int16] {
        var state: UInt32 = 0x2545_F491
        return samples.map { sample in
            state = state &* 1_664_525 &+ 1_013_904_223
            let noise = Int32(state >> 26) - 32  // uniform in -32...31
            return Int16(clamping: Int32(sample) + noise)
        }
    }
}
