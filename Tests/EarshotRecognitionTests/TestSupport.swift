import EarshotAudio
import EarshotRecognition
import Foundation

/// Paths, recordings and the shared recognizer of the recognition tests.
enum TestSupport {
    /// The repository root, found from this file's location.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data/pocketsphinx_test`: 11 utterances and their transcripts.
    static let testData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/pocketsphinx_test")

    /// This target's fixtures.
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/EarshotRecognitionTests/Fixtures")

    /// Utterance id → reference text, from `transcripts.tsv`.
    static func references() throws -> [(id: String, text: String)] {
        try String(contentsOf: testData.appendingPathComponent("transcripts.tsv"), encoding: .utf8)
            .split(separator: "\n").compactMap { line in
                let fields = line.split(separator: "\t", maxSplits: 1).map(String.init)
                return fields.count == 2 ? (fields[0], fields[1]) : nil
            }
    }

    /// Utterance id → `pocketsphinx_batch`'s hypothesis, from the committed fixture.
    static func batchHypotheses() throws -> [String: String] {
        var hypotheses: [String: String] = [:]
        for line in try String(contentsOf: fixtures.appendingPathComponent("pocketsphinx_batch.hyp"), encoding: .utf8)
            .split(separator: "\n")
        {
            // "words words (id score)"
            guard let open = line.lastIndex(of: "(") else { continue }
            let inside = line[line.index(after: open)...].dropLast().split(separator: " ")
            hypotheses[String(inside[0])] = line[..<open].trimmingCharacters(in: .whitespaces)
        }
        return hypotheses
    }

    /// The samples of `pocketsphinx_test/<id>.wav`, 16 kHz mono.
    static func samples(_ id: String) throws -> [Int16] {
        try AudioFileReader.readAll(path: testData.appendingPathComponent(id + ".wav").path)
    }

    /// One recognizer with two decoders for the whole run: loading a decoder takes about a second.
    static let recognizer: Result<PocketSphinxRecognizer, Error> = Result {
        try PocketSphinxRecognizer(PocketSphinxConfiguration(decoders: 2))
    }

    /// The "go (forward|backward) <number> meters" command grammar.
    static let movement = RecognitionGrammar(
        id: "movement",
        jsgf: """
            #JSGF V1.0;
            grammar movement;
            public <command> = go <direction> <number> meters;
            <direction> = forward | backward;
            <number> = one | two | three | four | five | six | seven | eight | nine | ten;
            """)
}
