import Foundation

/// The versions of one model or context name: which are loaded, which were refused and why,
/// which one is active, and the versions it replaced, to roll back along.
///
/// A value kept under its registry's lock; ``ModelRegistry`` and ``ContextRegistry`` share it.
struct VersionHistory<Loaded, Refusal> {
    var loaded: [String: Loaded] = [:]
    var refused: [String: Refusal] = [:]
    var active: String?
    var history: [String] = []

    /// The active version's item.
    var activeItem: Loaded? { active.flatMap { loaded[$0] } }

    /// Records a version that passed its checks; it becomes active when `activate` is set or
    /// nothing is active yet.
    mutating func add(_ item: Loaded, version: String, activate: Bool) {
        loaded[version] = item
        refused[version] = nil
        if activate || active == nil { makeActive(version) }
    }

    /// Makes `version` active, remembering the one it replaces.
    mutating func makeActive(_ version: String) {
        if let previous = active, previous != version { history.append(previous) }
        active = version
    }

    /// Activates the most recent earlier version that is still loaded; nil when there is none.
    mutating func rollBack() -> String? {
        while let previous = history.popLast() {
            guard loaded[previous] != nil else { continue }
            active = previous
            return previous
        }
        return nil
    }
}

extension VersionHistory {
    /// One status row for every version found on disk or loaded, sorted by name, then version:
    /// `active` or `loaded` (with `describe` adding the item's details), `refused` (with
    /// `describeRefusal`), else `available`.
    static func statuses(
        found: [(name: String, version: String)], histories: [String: VersionHistory],
        describe: (inout ModelRegistry.VersionStatus, Loaded) -> Void = { _, _ in },
        describeRefusal: (inout ModelRegistry.VersionStatus, Refusal) -> Void
    ) -> [ModelRegistry.VersionStatus] {
        var rows: [ModelRegistry.VersionStatus] = []
        var seen = Set<String>()
        let all = found + histories.flatMap { name, history in history.loaded.keys.map { (name: name, version: $0) } }
        for (name, version) in all where seen.insert("\(name)/\(version)").inserted {
            var row = ModelRegistry.VersionStatus(name: name, version: version, state: "available")
            if let history = histories[name], let item = history.loaded[version] {
                row.state = history.active == version ? "active" : "loaded"
                describe(&row, item)
            } else if let refusal = histories[name]?.refused[version] {
                row.state = "refused"
                describeRefusal(&row, refusal)
            }
            rows.append(row)
        }
        return rows.sorted { ($0.name, ModelRegistry.versionOrder($0.version)) < ($1.name, ModelRegistry.versionOrder($1.version)) }
    }
}

/// The `<directory>/<name>/<version>/card.json` folders of a models directory.
enum VersionFolders {
    /// Every `<name>/<version>` whose `card.json` passes `wanted` (given the card's path),
    /// sorted by name, then version (``ModelRegistry/versionOrder(_:)``).
    static func find(in directory: String, where wanted: (String) -> Bool) -> [(name: String, version: String)] {
        let fileManager = FileManager.default
        var found: [(name: String, version: String)] = []
        for name in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? [] where !name.hasPrefix(".") {
            for version in (try? fileManager.contentsOfDirectory(atPath: "\(directory)/\(name)")) ?? []
            where wanted("\(directory)/\(name)/\(version)/card.json") {
                found.append((name, version))
            }
        }
        return found.sorted { ($0.name, ModelRegistry.versionOrder($0.version)) < ($1.name, ModelRegistry.versionOrder($1.version)) }
    }
}
