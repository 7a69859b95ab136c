import Foundation
import Logging
import Synchronization

/// The model versions of one process: what was found in the models folder, what passed its
/// checks, which version of each model is active, and the history to roll back along.
///
/// Loading runs the card's checks; a version that fails them is recorded as refused and never
/// serves, and whatever version was active stays active. Activation and rollback swap the
/// active version without a restart; requests already running keep the version they started
/// with.
public final class ModelRegistry: Sendable {
    /// The state of one version as ``list()`` reports it.
    public struct VersionStatus: Sendable, Codable, Equatable {
        /// The model's name.
        public var name: String
        /// The version.
        public var version: String
        /// `available` (found, not loaded), `loaded`, `active` or `refused`.
        public var state: String
        /// Why a version was refused.
        public var reason: String?
        /// The metric its checks measured, when they ran.
        public var metric: Double?
        /// The wake word it verifies, when its card could be read.
        public var wakeWord: String?
        /// Each test recording's outcome, when the checks ran.
        public var cases: [CardCheckReport.Case]?

        private enum CodingKeys: String, CodingKey {
            case name, version, state, reason, metric, cases
            case wakeWord = "wake_word"
        }
    }

    private typealias ModelState = VersionHistory<LoadedModel, (reason: String, report: CardCheckReport?)>

    /// The folder of models: `<directory>/<name>/<version>/card.json`.
    public let directory: String
    /// Where `data:` paths of test sets point.
    public let dataDirectory: String
    private let state = Mutex<[String: ModelState]>([:])
    private let logger: Logger

    /// Creates an empty registry over `directory`.
    public init(directory: String, dataDirectory: String, logger: Logger = Logger(label: "earshot.models")) {
        self.directory = directory
        self.dataDirectory = dataDirectory
        self.logger = logger
    }

    /// Every `<name>/<version>` folder that holds a model's `card.json`, sorted by name, then
    /// version. Cards of kind `context` (speech-to-intent grammars, read by EarshotIntent) share
    /// the folder but are not models, so they are left out.
    public func discover() -> [(name: String, version: String)] {
        VersionFolders.find(in: directory) { card in
            FileManager.default.fileExists(atPath: card) && !Self.isContextCard(card)
        }
    }

    /// Whether the card at `path` declares `"kind": "context"`.
    static func isContextCard(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return object["kind"] as? String == "context"
    }

    /// Loads every version found and activates the newest one of each model that passes.
    /// Returns the statuses afterwards.
    @discardableResult
    public func loadAll() -> [VersionStatus] {
        for (name, version) in discover() {
            _ = try? load(name: name, version: version, activate: true)
        }
        return list()
    }

    /// Loads one version and runs its checks.
    ///
    /// - Parameters:
    ///   - activate: make it the active version when it passes (`loadAll` does so in version
    ///     order, so the newest passing version ends up active). When false, the version only
    ///     becomes active if the model has none.
    /// - Returns: the loaded model.
    /// - Throws: ``CloudError`` with code `model_refused` when the version fails its checks or
    ///   cannot be read; `not_found` when the folder has no card. The active version is kept.
    @discardableResult
    public func load(name: String, version: String, activate: Bool = false) throws -> LoadedModel {
        guard Self.isSafeName(name), Self.isSafeName(version) else {
            throw CloudError(.badRequest, "model name and version may hold only letters, digits, '.', '-' and '_'")
        }
        let folder = "\(directory)/\(name)/\(version)"
        guard FileManager.default.fileExists(atPath: folder + "/card.json") else {
            throw CloudError(.notFound, "\(folder)/card.json does not exist")
        }
        var modelLogger = logger
        modelLogger[metadataKey: "model"] = "\(name)@\(version)"
        let model: LoadedModel
        do {
            model = try CardChecker.load(directory: folder, dataDirectory: dataDirectory)
        } catch let error as CloudError {
            record(refused: error.message, report: nil, name: name, version: version)
            modelLogger.error("model version refused", metadata: ["reason": "\(error.message)"])
            throw error
        }
        guard model.checks.passed else {
            let reason = model.checks.problems.joined(separator: "; ")
            record(refused: reason, report: model.checks, name: name, version: version)
            modelLogger.error("model version failed its card's checks; the active version keeps serving", metadata: ["reason": "\(reason)"])
            throw CloudError(.modelRefused, "\(name)@\(version) failed its card's checks: \(reason)")
        }
        state.withLock { models in models[name, default: ModelState()].add(model, version: version, activate: activate) }
        modelLogger.info("model version loaded", metadata: ["accuracy": "\(model.checks.metric)"])
        return model
    }

    /// Makes a loaded version the active one; the version it replaces is remembered for
    /// ``rollback(name:)``.
    ///
    /// - Throws: ``CloudError`` `not_found` when the version is not loaded (load it first).
    public func activate(name: String, version: String) throws {
        try state.withLock { models in
            guard models[name]?.loaded[version] != nil else {
                throw CloudError(.notFound, "\(name)@\(version) is not loaded; load it first")
            }
            models[name]?.makeActive(version)
        }
        logger.info("model version activated", metadata: ["model": "\(name)@\(version)"])
    }

    /// Activates the version that was active before the current one.
    ///
    /// - Returns: the version now active.
    /// - Throws: ``CloudError`` `conflict` when there is nothing to roll back to.
    @discardableResult
    public func rollback(name: String) throws -> String {
        let version = try state.withLock { models in
            guard var entry = models[name] else { throw CloudError(.notFound, "no model named '\(name)' is loaded") }
            if let previous = entry.rollBack() {
                models[name] = entry
                return previous
            }
            throw CloudError(.conflict, "\(name) has no earlier version to roll back to")
        }
        logger.info("model rolled back", metadata: ["model": "\(name)@\(version)"])
        return version
    }

    /// The active version of `name`.
    public func active(_ name: String) -> LoadedModel? {
        state.withLock { models in models[name]?.activeItem }
    }

    /// A loaded version (active or not).
    public func loaded(_ name: String, version: String) -> LoadedModel? {
        state.withLock { $0[name]?.loaded[version] }
    }

    /// Every active model, by name.
    public func activeModels() -> [LoadedModel] {
        state.withLock { models in
            models.keys.sorted().compactMap { models[$0]?.activeItem }
        }
    }

    /// The active verifier for `wakeWord` (case-insensitive, ignoring spaces, `-` and `_`),
    /// else the active model named `fallback`, else the first active model.
    public func verifier(for wakeWord: String?, fallback: String?) -> LoadedModel? {
        let models = activeModels().filter { $0.card.role == "verifier" }
        if let wakeWord {
            let wanted = Self.normalized(wakeWord)
            if let match = models.first(where: { Self.normalized($0.card.wakeWord) == wanted }) { return match }
        }
        if let fallback, let model = models.first(where: { $0.card.name == fallback }) { return model }
        return models.first
    }

    /// Ready when at least one model is active and every model found has an active version.
    public var isReady: Bool {
        let names = Set(discover().map(\.name))
        return state.withLock { models in
            !models.isEmpty && names.allSatisfy { models[$0]?.active != nil }
        }
    }

    /// Every version found on disk or loaded, with its state.
    public func list() -> [VersionStatus] {
        let found = discover()
        return state.withLock { models in
            ModelState.statuses(
                found: found, histories: models,
                describe: { row, model in
                    row.metric = model.checks.metric
                    row.wakeWord = model.card.wakeWord
                    row.cases = model.checks.cases
                },
                describeRefusal: { row, refused in
                    row.reason = refused.reason
                    row.metric = refused.report?.metric
                    row.cases = refused.report?.cases
                })
        }
    }

    private func record(refused reason: String, report: CardCheckReport?, name: String, version: String) {
        state.withLock { models in
            models[name, default: ModelState()].refused[version] = (reason, report)
        }
    }

    static func isSafeName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 64 && !text.hasPrefix(".")
            && text.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) }
    }

    /// Sorts `2` before `10`: numeric versions by value, others after them by text.
    static func versionOrder(_ version: String) -> String {
        if let number = Int(version) { return String(repeating: "0", count: max(0, 12 - String(number).count)) + String(number) }
        return "~" + version
    }

    private static func normalized(_ text: String) -> String {
        String(text.lowercased().filter { !" -_".contains($0) })
    }
}
