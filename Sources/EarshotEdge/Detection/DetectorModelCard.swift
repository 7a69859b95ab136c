import EarshotWire

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the detection pipeline needs to know about a model: where its `.tflite` file is, what
/// it detects and the detection rule to apply to its output.
///
/// Two file formats load into a card:
/// - microWakeWord's JSON manifest (version 2): `model`, `wake_word`,
///   `micro.probability_cutoff`, `micro.sliding_window_size`, `micro.feature_step_size`;
///   so `earshot-edge --model alexa.json` runs a microWakeWord model unchanged;
/// - Earshot's own `card.json` (the cards in `edge-models/`): `name`, `version`, `kind`,
///   `model`, `labels`, a `detector` object with `probability_cutoff`,
///   `sliding_window_size` and `refractory_seconds`, and for a windowed model an `input`
///   object with `window_frames` and `hop_frames`.
public struct DetectorModelCard: Sendable, Equatable {
    /// What the model's output means.
    public enum Kind: String, Sendable, Codable {
        /// A streaming wake-word model: one probability per invocation.
        case wakeWord = "wakeword"
        /// A classifier over a window of features: one score per label.
        case classifier
    }

    /// A short name for logs and events (`alexa`, `computer`).
    public var name: String
    /// The model's version, as the card states it.
    public var version: String
    /// The phrase or labels it detects, for people.
    public var wakeWord: String
    /// How to read the output.
    public var kind: Kind
    /// The `.tflite` file.
    public var modelURL: URL
    /// Class labels of a classifier (empty for a wake-word model).
    public var labels: [String]
    /// A detection needs the mean of the last ``slidingWindowSize`` probabilities to exceed this.
    public var probabilityCutoff: Double
    /// How many probabilities the mean is taken over.
    public var slidingWindowSize: Int
    /// One probability above this fires without waiting for the window (card field
    /// `detector.fast_cutoff`, or `--fast-cutoff`); nil: the window only, as microWakeWord.
    public var fastCutoff: Double?
    /// Seconds after a detection during which the same model does not fire again.
    public var refractorySeconds: Double
    /// Milliseconds between feature frames the model expects (10 for the shared frontend).
    public var featureStepMilliseconds: Int
    /// For a windowed model: feature frames per input window (nil for a streaming model).
    public var windowFrames: Int?
    /// For a windowed model: frames between invocations.
    public var hopFrames: Int?

    /// The refractory time used when a manifest does not state one.
    public static let defaultRefractorySeconds = 2.0

    /// Creates a card.
    public init(
        name: String, version: String, wakeWord: String, kind: Kind, modelURL: URL, labels: [String] = [],
        probabilityCutoff: Double, slidingWindowSize: Int, fastCutoff: Double? = nil,
        refractorySeconds: Double = defaultRefractorySeconds, featureStepMilliseconds: Int = 10, windowFrames: Int? = nil,
        hopFrames: Int? = nil
    ) {
        self.name = name
        self.version = version
        self.wakeWord = wakeWord
        self.kind = kind
        self.modelURL = modelURL
        self.labels = labels
        self.probabilityCutoff = probabilityCutoff
        self.slidingWindowSize = slidingWindowSize
        self.fastCutoff = fastCutoff
        self.refractorySeconds = refractorySeconds
        self.featureStepMilliseconds = featureStepMilliseconds
        self.windowFrames = windowFrames
        self.hopFrames = hopFrames
    }

    /// Loads a microWakeWord manifest or an Earshot card; a directory means its `card.json`.
    ///
    /// - Throws: ``EdgeError`` with code `invalidModel` naming the file and the field.
    public static func load(path: String) throws -> DetectorModelCard {
        var url = URL(fileURLWithPath: path)
        var isDirectory = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory {
            url = url.appendingPathComponent("card.json")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EdgeError(.invalidModel, url.path, "cannot read the model card: \(errorReason(error))")
        }
        let directory = url.deletingLastPathComponent()
        let card: DetectorModelCard
        do {
            guard let fields = try JSONValue.parse(data).object else {
                throw EdgeError(.invalidModel, url.path, "a model card must be a JSON object")
            }
            card =
                try fields["micro"] != nil
                ? manifest(fields, directory: directory, path: url.path)
                : earshotCard(fields, directory: directory, path: url.path)
        } catch let error as EdgeError {
            throw error
        } catch {
            throw EdgeError(.invalidModel, url.path, "not valid JSON: \(errorReason(error))")
        }
        try card.validate(path: url.path)
        return card
    }

    /// Loads a card as ``load(path:)`` does and, for a wake-word model, replaces its fast
    /// cutoff with `fastCutoff` when one is given.
    ///
    /// - Throws: ``EdgeError`` `invalidModel` for a bad card or a fast cutoff outside (0, 1).
    public static func load(path: String, fastCutoff: Double?) throws -> DetectorModelCard {
        var card = try load(path: path)
        if let fastCutoff, card.kind == .wakeWord {
            card.fastCutoff = fastCutoff
            try card.validate(path: path)
        }
        return card
    }

    private static func manifest(_ fields: [String: JSONValue], directory: URL, path: String) throws -> DetectorModelCard {
        let reader = FieldReader(fields: fields, path: path)
        let version = try reader.integer("version")
        guard version == 2 else {
            throw EdgeError(.invalidModel, path, "microWakeWord manifest version \(version) is not supported (expected 2)")
        }
        let micro = try reader.object("micro")
        let model: String = try reader.string("model")
        return DetectorModelCard(
            name: PathText.deletingExtension(model),
            version: "microWakeWord v2",
            wakeWord: try reader.string("wake_word"),
            kind: .wakeWord,
            modelURL: directory.appendingPathComponent(model),
            probabilityCutoff: try micro.number("probability_cutoff"),
            slidingWindowSize: try micro.integer("sliding_window_size"),
            featureStepMilliseconds: try micro.integer("feature_step_size")
        )
    }

    private static func earshotCard(_ fields: [String: JSONValue], directory: URL, path: String) throws -> DetectorModelCard {
        let reader = FieldReader(fields: fields, path: path)
        let detector = try reader.object("detector")
        let kindName: String = try reader.string("kind")
        guard let kind = Kind(rawValue: kindName) else {
            throw EdgeError(.invalidModel, path, "field 'kind' is '\(kindName)', expected 'wakeword' or 'classifier'")
        }
        let labels = fields["labels"]?.strings ?? []
        let input = fields["input"] != nil ? try reader.object("input") : nil
        return DetectorModelCard(
            name: try reader.string("name"),
            version: try reader.string("version"),
            wakeWord: fields["wake_word"]?.string ?? labels.joined(separator: ", "),
            kind: kind,
            modelURL: directory.appendingPathComponent(try reader.string("model")),
            labels: labels,
            probabilityCutoff: try detector.number("probability_cutoff"),
            slidingWindowSize: try detector.integer("sliding_window_size"),
            fastCutoff: detector.fields["fast_cutoff"] != nil ? try detector.number("fast_cutoff") : nil,
            refractorySeconds: try detector.number("refractory_seconds"),
            featureStepMilliseconds: fields["frontend"]?.object?["step_ms"]?.integer ?? 10,
            windowFrames: try input?.integer("window_frames"),
            hopFrames: try input?.integer("hop_frames")
        )
    }

    /// Checks the detection rule's numbers.
    ///
    /// - Throws: ``EdgeError`` `invalidModel` naming `path` and the bad value.
    public func validate(path: String) throws {
        guard probabilityCutoff > 0, probabilityCutoff < 1 else {
            throw EdgeError(.invalidModel, path, "probability cutoff \(probabilityCutoff) is not between 0 and 1")
        }
        if let fastCutoff, !(fastCutoff > 0 && fastCutoff < 1) {
            throw EdgeError(.invalidModel, path, "fast cutoff \(fastCutoff) is not between 0 and 1")
        }
        guard slidingWindowSize >= 1, slidingWindowSize <= 1_000 else {
            throw EdgeError(.invalidModel, path, "sliding window size \(slidingWindowSize) is not between 1 and 1000")
        }
        guard refractorySeconds >= 0 else {
            throw EdgeError(.invalidModel, path, "refractory time \(refractorySeconds) s is negative")
        }
        guard featureStepMilliseconds == 10 else {
            throw EdgeError(.invalidModel, path, "the model expects a \(featureStepMilliseconds) ms feature step; the frontend steps 10 ms")
        }
        if let windowFrames, let hopFrames {
            guard windowFrames >= 1, windowFrames <= 10_000, hopFrames >= 1, hopFrames <= windowFrames else {
                throw EdgeError(.invalidModel, path, "input window of \(windowFrames) frames with a hop of \(hopFrames) is out of range")
            }
        }
        guard kind == .wakeWord || !labels.isEmpty else {
            throw EdgeError(.invalidModel, path, "a classifier card needs its 'labels'")
        }
    }
}

/// Reads typed fields of a JSON object, failing with the field's name and the file.
private struct FieldReader {
    let fields: [String: JSONValue]
    let path: String

    func value<T>(_ name: String, _ extract: (JSONValue) -> T?, described: String) throws -> T {
        guard let raw = fields[name] else {
            throw EdgeError(.invalidModel, path, "missing field '\(name)'")
        }
        guard let value = extract(raw) else {
            throw EdgeError(.invalidModel, path, "field '\(name)' must be \(described)")
        }
        return value
    }

    func string(_ name: String) throws -> String { try value(name, \.string, described: "a string") }
    func number(_ name: String) throws -> Double { try value(name, \.number, described: "a number") }
    func integer(_ name: String) throws -> Int {
        let number = try number(name)
        guard number == number.rounded(), abs(number) < 1e9 else {
            throw EdgeError(.invalidModel, path, "field '\(name)' must be a whole number")
        }
        return Int(number)
    }
    func object(_ name: String) throws -> FieldReader {
        FieldReader(fields: try value(name, \.object, described: "an object"), path: path + " '\(name)'")
    }
}
