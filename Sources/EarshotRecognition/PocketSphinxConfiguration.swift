/// Where a ``PocketSphinxRecognizer`` finds its model and how it decodes.
///
/// The defaults are Debian's US English model (`pocketsphinx-en-us`) and the decoder's own
/// defaults plus the model's `feat.params` (batch cepstral mean normalization), which is
/// what `pocketsphinx_batch` runs with: the wrapper reproduces its hypotheses.
public struct PocketSphinxConfiguration: Sendable, Equatable {
    /// Debian's model folder for US English.
    public static let debianModelDirectory = "/usr/share/pocketsphinx/model/en-us"

    /// The acoustic model folder (`-hmm`): `mdef`, `means`, `feat.params` …
    public var acousticModel: String
    /// The n-gram language model for free-form transcription (`-lm`, ARPA or binary).
    public var languageModel: String
    /// The pronunciation dictionary (`-dict`).
    public var dictionary: String
    /// The sample rate of the acoustic model, in Hz (`-samprate`).
    public var sampleRate: Int
    /// Decoders in the pool: the most utterances decoded at once.
    public var decoders: Int
    /// Seconds a call waits for a free decoder before failing with `.noDecoderFree`;
    /// `nil` waits as long as it takes.
    public var checkoutTimeout: Double?
    /// Whether each ``Transcription`` carries the hypothesis' posterior probability; computing
    /// it costs a forward-backward pass over the word lattice of every utterance.
    public var computesConfidence: Bool
    /// Further decoder options by name, e.g. `["-beam": "1e-60"]` (see `pocketsphinx_batch -h`).
    public var options: [String: String]

    /// Creates a configuration; every model path defaults to Debian's en-us model.
    public init(
        acousticModel: String = debianModelDirectory + "/en-us",
        languageModel: String = debianModelDirectory + "/en-us.lm.bin",
        dictionary: String = debianModelDirectory + "/cmudict-en-us.dict",
        sampleRate: Int = 16_000,
        decoders: Int = 1,
        checkoutTimeout: Double? = 60,
        computesConfidence: Bool = true,
        options: [String: String] = [:]
    ) {
        self.acousticModel = acousticModel
        self.languageModel = languageModel
        self.dictionary = dictionary
        self.sampleRate = sampleRate
        self.decoders = decoders
        self.checkoutTimeout = checkoutTimeout
        self.computesConfidence = computesConfidence
        self.options = options
    }

    /// The decoder's argument list (`-hmm DIR -lm FILE …`).
    var arguments: [String] {
        var list = [
            "-hmm", acousticModel, "-lm", languageModel, "-dict", dictionary, "-samprate", String(sampleRate),
        ]
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            list += [name.hasPrefix("-") ? name : "-" + name, value]
        }
        return list
    }
}
