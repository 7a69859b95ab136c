import Foundation

/// The card of one context version: `cloud-models/<name>/<version>/card.json` with kind
/// `context` and role `intent`.
///
/// ```json
/// {"name": "smart-home", "version": "1", "kind": "context", "role": "intent",
///  "context_file": "context.yaml", "context_sha256": "…", "description": "…",
///  "test_set": [{"transcript": "turn on the kitchen lights", "expected_intent": "changeLights",
///                "expected_slots": {"state": "on", "room": "kitchen"}},
///               {"transcript": "turn on the kitchen", "expected_intent": null}]}
/// ```
///
/// A test case with `expected_intent` null (or absent) expects "not understood". The card's
/// checks (``failures(of:)``) parse every transcript; a loader refuses a context with failures.
/// The SHA-256 is for the loader to compare (this module does no hashing).
public struct ContextCard: Sendable, Codable, Equatable {
    /// The context's name (the folder above the version folder).
    public var name: String
    /// The version (the card's folder name).
    public var version: String
    /// Always `context`.
    public var kind: String
    /// Always `intent`.
    public var role: String
    /// The context file, relative to the card's folder.
    public var contextFile: String
    /// The SHA-256 hex of the context file.
    public var contextSHA256: String?
    /// What the context covers.
    public var description: String?
    /// Where the context comes from.
    public var source: String?
    /// Transcripts and what they must parse to.
    public var testSet: [TestCase]

    /// One transcript of the test set and its expected meaning.
    public struct TestCase: Sendable, Codable, Equatable {
        /// The transcript, as a recognizer would give it.
        public var transcript: String
        /// The expected intent; `nil` expects "not understood".
        public var expectedIntent: String?
        /// The expected slots (ignored when not understood).
        public var expectedSlots: [String: String]?

        /// The result the case expects.
        public var expected: IntentResult {
            guard let expectedIntent else { return .notUnderstood(transcript: transcript) }
            return .understood(intent: expectedIntent, slots: expectedSlots ?? [:])
        }

        private enum CodingKeys: String, CodingKey {
            case transcript
            case expectedIntent = "expected_intent"
            case expectedSlots = "expected_slots"
        }
    }

    /// A test case the context answers differently from the card.
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        /// The test case.
        public var testCase: TestCase
        /// What the parser answered.
        public var actual: IntentResult

        /// One line: the transcript, what was expected and what came back.
        public var description: String {
            "'\(testCase.transcript)': expected \(Self.describe(testCase.expected)), got \(Self.describe(actual))"
        }

        private static func describe(_ result: IntentResult) -> String {
            switch result {
            case .notUnderstood: return "not understood"
            case .understood(let intent, let slots):
                return intent + "{" + slots.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
            }
        }
    }

    /// Reads a card from JSON.
    ///
    /// - Throws: ``ContextError`` with code ``ContextError/Code/invalidStructure`` when the JSON
    ///   is not a context card (line and column 0).
    public init(json: Data, file: String? = nil) throws(ContextError) {
        do {
            self = try JSONDecoder().decode(ContextCard.self, from: json)
        } catch {
            throw ContextError(.invalidStructure, line: 0, column: 0, "not a context card: \(error)", file: file)
        }
    }

    /// The test cases `context` answers differently from the card (empty when all pass).
    public func failures(of context: Context) -> [Failure] {
        let parser = context.parser
        return testSet.compactMap { testCase in
            let actual = parser.parse(testCase.transcript)
            return actual == testCase.expected ? nil : Failure(testCase: testCase, actual: actual)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case name, version, kind, role, description, source
        case contextFile = "context_file"
        case contextSHA256 = "context_sha256"
        case testSet = "test_set"
    }
}
