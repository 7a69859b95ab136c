import EarshotIntent
import EarshotRecognition
import EarshotWire
import Foundation

/// A context version that passed its card's checks: the card, the compiled context and where
/// they lie. Immutable and shared by every worker.
public final class LoadedContext: Sendable {
    /// The card.
    public let card: ContextCard
    /// The compiled context (parser, grammar, vocabulary).
    public let context: Context
    /// The version folder.
    public let directory: String
    /// The context's own JSGF grammar (public rule `<command>`), built once.
    private let commandsJSGF: String

    /// `name@version` with the role `intent`.
    public var reference: ModelReference { ModelReference(name: card.name, version: card.version, role: "intent") }

    init(card: ContextCard, context: Context, directory: String) {
        self.card = card
        self.context = context
        self.directory = directory
        commandsJSGF = context.jsgfGrammar(name: "context")
    }

    /// A context file outside any card (`earshot-cloud batch --context FILE.yaml`): named after
    /// the file, version `file`, no test set.
    ///
    /// - Throws: ``CloudError`` `model_refused` with the file, line and column of a bad context.
    public static func file(_ path: String) throws -> LoadedContext {
        let fileName = String(path.split(separator: "/").last ?? Substring(path))
        let name = fileName.hasSuffix(".yaml") ? String(fileName.dropLast(5)) : fileName
        do {
            let context = try Context(contentsOfFile: path)
            let fields: [String: Any] = [
                "name": name, "version": "file", "kind": "context", "role": "intent", "context_file": fileName, "test_set": [Any](),
            ]
            let card = try ContextCard(json: try JSONSerialization.data(withJSONObject: fields), file: path)
            return LoadedContext(card: card, context: context, directory: path.split(separator: "/").dropLast().joined(separator: "/"))
        } catch let error as ContextError {
            throw CloudError(.modelRefused, error.description)
        }
    }

    /// The recognizer's grammar for segments that start with `wakeWord`: the context's
    /// commands, optionally preceded by the wake word (an edge segment begins with it).
    ///
    /// The id names the context version and the wake word, so each decoder compiles it once.
    public func grammar(wakeWord: String?) -> RecognitionGrammar {
        let words = Self.wakeWords(wakeWord)
        let commands = commandsJSGF
        guard !words.isEmpty else {
            return RecognitionGrammar(id: "\(card.name)@\(card.version)", jsgf: commands)
        }
        // The context's public rule becomes private under a public rule that allows the wake
        // word first (JSGF uses the first public rule).
        var lines = commands.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let index = lines.firstIndex(where: { $0.hasPrefix("public <command>") }) {
            lines[index] = String(lines[index].dropFirst("public ".count))
            lines.insert("public <utterance> = [\(words.joined(separator: " "))] <command>;", at: index)
        }
        return RecognitionGrammar(id: "\(card.name)@\(card.version)+\(words.joined(separator: "_"))", jsgf: lines.joined(separator: "\n"))
    }

    /// The hypothesis without the wake word's words at its start.
    public func strippingWakeWord(_ transcript: String, wakeWord: String?) -> String {
        let words = Self.wakeWords(wakeWord)
        let heard = transcript.split(separator: " ").map(String.init)
        guard !words.isEmpty, heard.starts(with: words) else { return transcript }
        return heard.dropFirst(words.count).joined(separator: " ")
    }

    /// The wake word as lowercased dictionary words (`hey_jarvis` → `hey jarvis`).
    static func wakeWords(_ wakeWord: String?) -> [String] {
        guard let wakeWord else { return [] }
        return wakeWord.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" || $0 == "-" })
            .map(String.init).filter { word in word.allSatisfy { $0.isLetter || $0 == "'" } }
    }
}
