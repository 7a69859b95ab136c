/// What a recognizer heard in one segment of audio.
public struct Transcription: Sendable, Equatable {
    /// One recognized word and where it lies in the audio.
    public struct Word: Sendable, Equatable {
        /// The word, lowercased, without the dictionary's alternate-pronunciation suffix.
        public let text: String
        /// Seconds from the start of the audio to the word's first frame.
        public let start: Double
        /// Seconds from the start of the audio to the end of the word's last frame.
        public let end: Double

        /// Creates a word.
        public init(text: String, start: Double, end: Double) {
            self.text = text
            self.start = start
            self.end = end
        }
    }

    /// The words heard, lowercased and separated by single spaces, without fillers
    /// (`<s>`, `</s>`, `<sil>`, `[NOISE]` …). Empty when nothing was recognized.
    public let text: String
    /// The words with their times, fillers removed.
    public let words: [Word]
    /// The decoder's path score of the best hypothesis (engine-specific log units; higher is better).
    public let score: Int
    /// The posterior probability of the hypothesis in [0, 1], where the engine computes one.
    public let confidence: Double?
    /// Seconds of audio decoded.
    public let audioSeconds: Double
    /// Wall-clock seconds spent decoding (waiting for a free decoder not included).
    public let seconds: Double

    /// Creates a transcription.
    public init(text: String, words: [Word], score: Int, confidence: Double?, audioSeconds: Double, seconds: Double) {
        self.text = text
        self.words = words
        self.score = score
        self.confidence = confidence
        self.audioSeconds = audioSeconds
        self.seconds = seconds
    }

    /// Decoding time over audio time (below 1: faster than real time).
    public var realTimeFactor: Double { audioSeconds > 0 ? seconds / audioSeconds : 0 }
}
