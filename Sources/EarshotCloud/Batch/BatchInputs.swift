import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One recording of a batch: the key its result line carries and the file to read.
public struct BatchItem: Sendable, Hashable {
    /// The key: from the manifest, or the file's path as given (relative to a directory input).
    public var key: String
    /// The recording's path.
    public var file: String

    /// Creates an item.
    public init(key: String, file: String) {
        self.key = key
        self.file = file
    }
}

/// Turns `earshot-cloud batch` inputs into items, and picks a shard of them.
///
/// An input is a directory (every `*.wav` below it, recursively), a manifest (`*.jsonl` with
/// `{"key", "file"}` per line, or `*.txt`/`*.tsv`/`*.csv` with `KEY<TAB|,|space>FILE` per line;
/// relative files are relative to the manifest; `#` starts a comment), a glob (`data/*/*.wav`),
/// or one WAV file.
public enum BatchInputs {
    /// Every item of `inputs`, in input order (directories and globs sorted), duplicates of a
    /// key dropped.
    ///
    /// - Throws: ``CloudError`` `bad_request` naming an input that does not exist or a manifest
    ///   line that cannot be read.
    public static func items(_ inputs: [String]) throws -> [BatchItem] {
        var items: [BatchItem] = []
        var seen = Set<String>()
        let fileManager = FileManager.default
        for input in inputs {
            var found: [BatchItem] = []
            var isDirectory: ObjCBool = false
            if input.contains(where: { "*?[".contains($0) }) {
                found = try glob(input).map { BatchItem(key: $0, file: $0) }
                if found.isEmpty { throw CloudError(.badRequest, "\(input): the pattern matches no file") }
            } else if fileManager.fileExists(atPath: input, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    let root = input.hasSuffix("/") ? String(input.dropLast()) : input
                    let files = (fileManager.enumerator(atPath: root)?.allObjects as? [String] ?? [])
                        .filter { $0.lowercased().hasSuffix(".wav") }.sorted()
                    found = files.map { BatchItem(key: $0, file: root + "/" + $0) }
                } else if [".jsonl", ".txt", ".tsv", ".csv"].contains(where: input.lowercased().hasSuffix) {
                    found = try manifest(input)
                } else {
                    found = [BatchItem(key: input, file: input)]
                }
            } else {
                throw CloudError(.badRequest, "\(input): no such file or directory")
            }
            for item in found where seen.insert(item.key).inserted { items.append(item) }
        }
        return items
    }

    /// The items of shard `index` of `count` (0-based): those whose key's FNV-1a hash modulo
    /// `count` is `index`, so that every shard of a cluster job agrees without coordination.
    public static func shard(_ items: [BatchItem], index: Int, count: Int) -> [BatchItem] {
        guard count > 1 else { return items }
        return items.filter { Int(fnv1a($0.key) % UInt64(count)) == index }
    }

    /// Parses `--shard i/n` (0 <= i < n).
    public static func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count >= 1, (0..<count).contains(index) else {
            throw CloudError(.badRequest, "--shard '\(text)' must be i/n with 0 <= i < n, e.g. 3/8")
        }
        return (index, count)
    }

    static func manifest(_ path: String) throws -> [BatchItem] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CloudError(.badRequest, "\(path): cannot read the manifest")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var items: [BatchItem] = []
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            var key: String
            var file: String
            if path.lowercased().hasSuffix(".jsonl") {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let k = object["key"] as? String, let f = object["file"] as? String
                else { throw CloudError(.badRequest, "\(path):\(number + 1): expected {\"key\": ..., \"file\": ...}") }
                (key, file) = (k, f)
            } else {
                let separators: Set<Character> = ["\t", ",", " "]
                guard let split = line.firstIndex(where: { separators.contains($0) }) else {
                    throw CloudError(.badRequest, "\(path):\(number + 1): expected KEY<TAB>FILE")
                }
                key = String(line[..<split])
                file = line[line.index(after: split)...].trimmingCharacters(in: .whitespaces)
                if key.lowercased() == "key" && file.lowercased() == "file" { continue }  // a header line
            }
            guard !key.isEmpty, !file.isEmpty else { throw CloudError(.badRequest, "\(path):\(number + 1): empty key or file") }
            if !file.hasPrefix("/") { file = folder + "/" + file }
            items.append(BatchItem(key: key, file: file))
        }
        return items
    }

    static func glob(_ pattern: String) throws -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        let code = Glibc.glob(pattern, 0, nil, &result)
        guard code == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { index in result.gl_pathv[index].map { String(cString: $0) } }.sorted()
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
