/// Path arithmetic on strings, as `NSString`'s path methods do it (full Foundation only).
enum PathText {
    /// The path without its last component: `/a/b` → `/a`, `/a` → `/`, `a` → ``.
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        var parent = trimmed[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }

    /// `name` inside `folder`: `a` + `b` → `a/b`, `` + `b` → `b`, `a/` + `b` → `a/b`.
    static func join(_ folder: String, _ name: String) -> String {
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The last component without its extension: `alexa.tflite` → `alexa`, `.hidden` stays.
    static func deletingExtension(_ name: String) -> String {
        let componentStart = name.lastIndex(of: "/").map { name.index(after: $0) } ?? name.startIndex
        guard let dot = name[componentStart...].lastIndex(of: "."), dot != componentStart else { return name }
        return String(name[..<dot])
    }
}
