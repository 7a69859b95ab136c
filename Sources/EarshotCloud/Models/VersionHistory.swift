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
