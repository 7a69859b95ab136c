import EarshotWire

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The recordings a replay runs over, gathered from files, folders and manifests.
///
/// - A `.wav` file is one recording.
/// - A folder contributes every `.wav` below it, in name order.
/// - A manifest (`.jsonl`) lists recordings one JSON object a line:
///   `{"file": "clips/a.wav", "kind": "positive", "label": "computer"}`. `file` is relative to
///   the manifest's folder unless absolute; `kind` is `positive` (the recording holds the wake
///   word once), `negative` (it does not) or `stream` (a long recording without the wake word,
///   counted for false accepts per hour); `label` names the model a positive is for (default:
///   every model). A `.txt` manifest lists one path a line (kind unknown).
public struct RecordingSet: Sendable {
    /// What a recording is for in an evaluation.
    public enum Kind: String, Sendable, Codable {
        case positive, negative, stream, unknown
    }

    /// One recording.
    public struct Recording: Sendable, Equatable {
        /// The path of the WAV file.
        public var path: String
        /// What it holds.
        public var kind: Kind
        /// The wake word it holds, for positives.
        public var label: String?
    }

    /// The recordings, in the order given.
    public var recordings: [Recording]

    /// Gathers recordings from `inputs`.
    ///
    /// - Throws: ``EdgeError`` (`invalidConfiguration`) naming a missing path or a bad manifest line.
    public init(inputs: [String]) throws {
        var recordings: [Recording] = []
        for input in inputs {
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
                throw EdgeError(.invalidConfiguration, input, "no such file or folder")
            }
            if isDirectory {
                recordings += try Self.wavFiles(under: input).map { Recording(path: $0, kind: .unknown, label: nil) }
            } else if input.hasSuffix(".jsonl") {
                recordings += try Self.readJSONManifest(input)
            } else if input.hasSuffix(".txt") {
                recordings += try Self.readTextManifest(input)
            } else {
                recordings.append(Recording(path: input, kind: .unknown, label: nil))
            }
        }
        self.recordings = recordings
    }

    private static func wavFiles(under folder: String) throws -> [String] {
        guard let names = try? FileManager.default.subpathsOfDirectory(atPath: folder) else {
            throw EdgeError(.invalidConfiguration, folder, "cannot list the folder")
        }
        return names.filter { $0.lowercased().hasSuffix(".wav") }.map { PathText.join(folder, $0) }.sorted()
    }

    private static func resolve(_ path: String, relativeTo manifest: String) -> String {
        path.hasPrefix("/") ? path : PathText.join(PathText.parent(of: manifest), path)
    }

    private static func lines(_ manifest: String) throws -> [(number: Int, text: String)] {
        do {
            let text = try String(contentsOfFile: manifest, encoding: .utf8)
            return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
                let trimmed = line.trimmingSpaces()
                return trimmed.isEmpty || trimmed.hasPrefix("#") ? nil : (index + 1, trimmed)
            }
        } catch {
            throw EdgeError(.invalidConfiguration, manifest, "cannot read the manifest: \(errorReason(error))")
        }
    }

    private static func readTextManifest(_ manifest: String) throws -> [Recording] {
        try lines(manifest).map { Recording(path: resolve($0.text, relativeTo: manifest), kind: .unknown, label: nil) }
    }

    private static func readJSONManifest(_ manifest: String) throws -> [Recording] {
        try lines(manifest).map { number, text in
            let where_ = "\(manifest):\(number)"
            guard let object = (try? JSONValue.parse(Data(text.utf8)))?.object else {
                throw EdgeError(.invalidConfiguration, where_, "not a JSON object")
            }
            guard let file = object["file"]?.string else {
                throw EdgeError(.invalidConfiguration, where_, "missing \"file\"")
            }
            let kindName = object["kind"]?.string ?? "unknown"
            guard let kind = Kind(rawValue: kindName) else {
                throw EdgeError(.invalidConfiguration, where_, "\"kind\" is '\(kindName)'; use positive, negative or stream")
            }
            return Recording(path: resolve(file, relativeTo: manifest), kind: kind, label: object["label"]?.string)
        }
    }
}
