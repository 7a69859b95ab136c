import EarshotIntent
import Foundation
import Testing

/// Every kind of invalid context is refused at load with the line and column of the mistake.
@Suite struct ContextErrorTests {
    /// A context whose intent `a` has the single expression `expression` on line 4, written as
    /// `      - EXPRESSION` (the expression's first character, its quote when quoted, is column 9).
    static func yaml(expression: String, slots: String = "state: [on, off]") -> String {
        """
        context:
          expressions:
            a:
              - \(expression)
          slots:
            \(slots)
        """
    }

    static func loadError(_ yaml: String) -> ContextError? {
        do {
            _ = try Context(yaml: yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        // expression, code, column (line 4); the column points at the bad character
        (#""turn $colour:c on""#, ContextError.Code.unknownSlotType, 15),
        (#""[turn, switch on""#, .unbalancedBracket, 10),
        (#""x [a, b) y""#, .unbalancedBracket, 17),
        (#""turn on)""#, .unbalancedBracket, 17),
        (#""turn on]""#, .unbalancedBracket, 17),
        (#""turn (on""#, .unbalancedBracket, 15),
        (#""turn (on] x""#, .unbalancedBracket, 18),
        (#""turn [] on""#, .emptyGroup, 15),
        (#""[a, , b] on""#, .emptyGroup, 14),
        (#""[a, b, ] on""#, .emptyGroup, 17),
        (#""turn () on""#, .emptyGroup, 15),
        (#""turn, on""#, .misplacedComma, 14),
        (#""turn (on, off)""#, .misplacedComma, 18),
        (#""turn $state: on""#, .invalidSlotReference, 15),
        (#""turn $:state on""#, .invalidSlotReference, 15),
        (#""turn $ on""#, .invalidSlotReference, 15),
        (#""turn $state on""#, .invalidSlotReference, 15),
        (#""$state:s $state:s""#, .duplicateSlotName, 19),
        (#""$state:s ([x $state:s])""#, .duplicateSlotName, 23),
        (#""turn on light5""#, .invalidWord, 18),
        (#""turn on the light.""#, .invalidWord, 22),
        (#""(please) ([now, later])""#, .matchesNothing, 10),
        (#""""#, .noExpressions, 10),
        // plain and single-quoted scalars are located too
        ("turn [on", .unbalancedBracket, 14),
        ("'it''s [on'", .unbalancedBracket, 16),
    ])
    func refusesABadExpressionAtItsLineAndColumn(expression: String, code: ContextError.Code, column: Int) {
        let error = Self.loadError(Self.yaml(expression: expression))
        #expect(error?.code == code, "\(expression): \(String(describing: error))")
        #expect(error?.line == 4, "\(expression): \(String(describing: error))")
        #expect(error?.column == column, "\(expression): \(String(describing: error))")
    }

    @Test func sameSlotNameInTwoAlternativesOfAChoiceIsFine() throws {
        let context = try Context(yaml: Self.yaml(expression: #""turn [$state:s lights, lights $state:s]""#))
        #expect(context.parser.parse("turn lights off") == .understood(intent: "a", slots: ["s": "off"]))
    }

    @Test func locatesABracketOnTheSecondLineOfAFoldedScalar() {
        let error = Self.loadError(Self.yaml(expression: "\"turn on the\n        kitchen [lights\""))
        #expect(error?.code == .unbalancedBracket)
        #expect(error.map { [$0.line, $0.column] } == [5, 17])
    }

    @Test func locatesABadSlotValueInsideAFlowList() {
        let error = Self.loadError(Self.yaml(expression: "\"go to $room:room\"", slots: #"room: [kitchen, "room 2"]"#))
        #expect(error?.code == .invalidWord)
        #expect(error.map { [$0.line, $0.column] } == [6, 27])
        #expect(error?.message.contains("'2'") == true)
    }

    @Test(arguments: [
        ("state: []", ContextError.Code.noSlotValues, 6, 5),
        ("state:", .noSlotValues, 6, 5),
        ("state: [on, On]", .duplicateSlotValue, 6, 17),
        ("state: [{on: 1, off: 0}]", .invalidStructure, 6, 13),
        ("state: on", .invalidStructure, 6, 12),
        ("2state: [on]", .invalidName, 6, 5),
    ])
    func refusesABadSlotType(slots: String, code: ContextError.Code, line: Int, column: Int) {
        let error = Self.loadError(Self.yaml(expression: "\"turn $state:state\"", slots: slots))
        #expect(error?.code == code, "\(slots): \(String(describing: error))")
        #expect(error.map { [$0.line, $0.column] } == [line, column], "\(slots): \(String(describing: error))")
    }

    @Test func refusesAnIntentWithoutExpressions() {
        for yaml in ["context:\n  expressions:\n    a: []\n", "context:\n  expressions:\n    a:\n"] {
            let error = Self.loadError(yaml)
            #expect(error?.code == .noExpressions)
            #expect(error.map { [$0.line, $0.column] } == [3, 5])
        }
        #expect(Self.loadError("context:\n  expressions: {}\n")?.code == .noExpressions)
    }

    @Test func refusesBadStructureAndBadYAML() {
        let unknownKey = Self.loadError("context:\n  expresions:\n    a: [x]\n")
        #expect(unknownKey?.code == .invalidStructure)
        #expect(unknownKey.map { [$0.line, $0.column] } == [2, 3])
        #expect(Self.loadError("")?.code == .invalidStructure)
        #expect(Self.loadError("- a\n- b\n")?.code == .invalidStructure)
        #expect(Self.loadError("context:\n  expressions:\n    a: [\"x\"]\n    a: [\"y\"]\n")?.code == .duplicateName)
        let bad = Self.loadError("context:\n  expressions:\n    a: [\"x\"\n")
        #expect(bad?.code == .invalidYAML)
        #expect((bad?.line ?? 0) >= 3)
        #expect(Self.loadError("context:\n  expressions:\n    turn-on: [\"x\"]\n")?.code == .invalidName)
    }

    @Test func namesTheFileInTheOneLineDescription() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-intent-\(UInt32.random(in: 0...UInt32.max)).yaml")
            .path
        try Self.yaml(expression: #""turn [on""#).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try Context(contentsOfFile: path)
            Issue.record("loaded a bad context")
        } catch {
            #expect(error.description.hasPrefix("\(path):4:15: "), "\(error)")
        }
        do {
            _ = try Context(contentsOfFile: path + ".missing")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.code == .unreadableFile)
        }
    }
}
