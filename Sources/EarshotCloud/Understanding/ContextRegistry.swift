import EarshotIntent
import EarshotRecognition
import Foundation
import Logging
import Synchronization

/// The speech-to-intent contexts of one process, versioned like models: every
/// `<models>/<name>/<version>/card.json` of kind `context` is a version.
///
/// Loading checks the card (the file's SHA-256, every test transcript parsing to its expected
/// meaning) and, with a recognizer, that every word of the context is in its dictionary and
/// that its grammar compiles. A version that fails is refused and never serves; the active
/// version of that name stays. Activation and rollback work as for models.
public final class ContextRegistry: Sendable {
    private typealias Entry = VersionHistory<LoadedContext, String>

    /// The folder of model and context versions.
    public let directory: String
    private let recognizer: (any SpeechRecognizer)?
    private let state = Mutex<[String: Entry]>([:])
    private let logger: Logger

    /// Creates an empty registry over `directory`; `recognizer` checks vocabularies and grammars.
    public init(directory: String, recognizer: (any SpeechRecognizer)?, logger: Logger = Logger(label: "earshot.contexts")) {
        self.directory = directory
        self.recognizer = recognizer
        self.logger = logger
    }

    /// Every `<name>/<version>` folder whose card is a context, sorted.
    public func discover() -> [(name: String, version: String)] {
        VersionFolders.find(in: directory, where: ModelRegistry.isContextCard)
    }

    /// Loads every version found, newest passing version of each name active.
    @discardableResult
    public func loadAll() -> [ModelRegistry.VersionStatus] {
        for (name, version) in discover() { _ = try? load(name: name, version: version, activate: true) }
        return list()
    }

    /// Loads one version and runs its checks.
    ///
    /// - Throws: ``CloudError`` `model_refused` naming every failed check; `not_found` without a card.
    @discardableResult
    public func load(name: String, version: String, activate: Bool = false) throws -> LoadedContext {
        guard ModelRegistry.isSafeName(name), ModelRegistry.isSafeName(version) else {
            throw CloudError(.badRequest, "context name and version may hold only letters, digits, '.', '-' and '_'")
        }
        let folder = "\(directory)/\(name)/\(version)"
        do {
            let loaded = try Self.read(folder: folder, recognizer: recognizer)
            state.withLock { entries in entries[name, default: Entry()].add(loaded, version: version, activate: activate) }
            logger.info("context version loaded", metadata: ["context": "\(name)@\(version)"])
            return loaded
        } catch let error as CloudError {
            state.withLock { entries in entries[name, default: Entry()].refused[version] = error.message }
            logger.error("context version refused", metadata: ["context": "\(name)@\(version)", "reason": "\(error.message)"])
            throw error
        }
    }

    /// Reads and checks the context version in `folder`.
    static func read(folder: String, recognizer: (any SpeechRecognizer)?) throws -> LoadedContext {
        let cardPath = folder + "/card.json"
        guard let data = FileManager.default.contents(atPath: cardPath) else {
            throw CloudError(.notFound, "\(cardPath) does not exist")
        }
        let card: ContextCard
        let context: Context
        do {
            card = try ContextCard(json: data, file: cardPath)
            let file = "\(folder)/\(card.contextFile)"
            guard let text = FileManager.default.contents(atPath: file) else {
                throw CloudError(.modelRefused, "\(file): cannot read the context file")
            }
            if let expected = card.contextSHA256, SHA256.hex(text) != expected.lowercased() {
                throw CloudError(.modelRefused, "\(file): SHA-256 differs from the card's context_sha256")
            }
            context = try Context(yaml: String(decoding: text, as: UTF8.self), file: file)
        } catch let error as ContextError {
            throw CloudError(.modelRefused, error.description)
        }
        let loaded = LoadedContext(card: card, context: context, directory: folder)
        var problems = card.failures(of: context).map { "test case \($0)" }
        if let recognizer {
            do {
                let missing = try recognizer.missingWords(in: context.vocabulary.sorted())
                if !missing.isEmpty {
                    problems.append("words the recognizer's dictionary lacks: \(missing.joined(separator: ", "))")
                }
                // The grammar must compile: decode a tenth of a second of silence with it.
                _ = try recognizer.transcribe([Int16](repeating: 0, count: recognizer.sampleRate / 10), grammar: loaded.grammar(wakeWord: nil))
            } catch let error as RecognitionError {
                problems.append("the recognizer refuses it: \(error)")
            }
        }
        guard problems.isEmpty else {
            throw CloudError(.modelRefused, "\(card.name)@\(card.version) failed its card's checks: \(problems.joined(separator: "; "))")
        }
        return loaded
    }

    /// Makes a loaded version active.
    public func activate(name: String, version: String) throws {
        try state.withLock { entries in
            guard entries[name]?.loaded[version] != nil else {
                throw CloudError(.notFound, "context \(name)@\(version) is not loaded; load it first")
            }
            entries[name]?.makeActive(version)
        }
        logger.info("context version activated", metadata: ["context": "\(name)@\(version)"])
    }

    /// Activates the version that was active before the current one.
    @discardableResult
    public func rollback(name: String) throws -> String {
        try state.withLock { entries in
            guard var entry = entries[name] else { throw CloudError(.notFound, "no context named '\(name)' is loaded") }
            if let previous = entry.rollBack() {
                entries[name] = entry
                return previous
            }
            throw CloudError(.conflict, "context \(name) has no earlier version to roll back to")
        }
    }

    /// The active version of `name`.
    public func active(_ name: String) -> LoadedContext? {
        state.withLock { entries in entries[name]?.activeItem }
    }

    /// A loaded version, active or not.
    public func loaded(_ name: String, version: String) -> LoadedContext? {
        state.withLock { $0[name]?.loaded[version] }
    }

    /// The names with an active version, sorted.
    public var activeNames: [String] {
        state.withLock { entries in entries.keys.filter { entries[$0]?.active != nil }.sorted() }
    }

    /// Ready when every context found on disk has an active version (none found: ready).
    public var isReady: Bool {
        let names = Set(discover().map(\.name))
        return state.withLock { entries in names.allSatisfy { entries[$0]?.active != nil } }
    }

    /// Whether `name` is a context (found on disk or loaded).
    public func isContext(_ name: String) -> Bool {
        state.withLock { $0[name] != nil } || discover().contains { $0.name == name }
    }

    /// Every version found or loaded, with its state (`available`, `loaded`, `active`, `refused`).
    public func list() -> [ModelRegistry.VersionStatus] {
        let found = discover()
        return state.withLock { entries in
            Entry.statuses(found: found, histories: entries, describeRefusal: { row, reason in row.reason = reason })
        }
    }
}
