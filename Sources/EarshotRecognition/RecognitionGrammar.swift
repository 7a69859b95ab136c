/// A grammar that constrains recognition to the sentences it produces.
///
/// The ``id`` names the grammar stably (for instance `"lights@3"`): a decoder compiles a
/// grammar the first time it sees its id and reuses the compiled search afterwards, so two
/// different texts must never share an id.
public struct RecognitionGrammar: Sendable, Hashable {
    /// A stable name; decoders cache the compiled grammar under it.
    public let id: String
    /// The grammar in JSGF (Java Speech Grammar Format); its first public rule is used.
    public let jsgf: String

    /// Creates a grammar from JSGF text.
    /// - Parameters:
    ///   - id: A stable name that identifies this exact text.
    ///   - jsgf: The JSGF source, starting with `#JSGF V1.0;`.
    public init(id: String, jsgf: String) {
        self.id = id
        self.jsgf = jsgf
    }

    /// The words the grammar can produce, lowercased: every token of its rule bodies that is
    /// not a rule reference, a tag, a weight or an operator. Used to check a grammar against
    /// a dictionary when it is loaded (``SpeechRecognizer/missingWords(in:)``).
    public var vocabulary: [String] {
        var words: [String] = []
        var seen = Set<String>()
        for statement in jsgf.split(separator: ";") {
            let text = String(statement)
            guard let equals = text.firstIndex(of: "=") else { continue }
            var body = String(text[text.index(after: equals)...])
            // Drop tags {…}, weights /…/ and rule references <…>.
            for (open, close) in [("{", "}"), ("/", "/"), ("<", ">")] {
                while let start = body.range(of: open),
                    let end = body.range(of: close, range: start.upperBound..<body.endIndex)
                {
                    body.replaceSubrange(start.lowerBound..<end.upperBound, with: " ")
                }
            }
            let separators = Set<Character>(" \t\r\n()[]|*+")
            for token in body.split(whereSeparator: { separators.contains($0) }) {
                let word = token.lowercased()
                if seen.insert(word).inserted { words.append(word) }
            }
        }
        return words
    }
}
