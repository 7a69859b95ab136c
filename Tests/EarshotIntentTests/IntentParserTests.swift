import EarshotIntent
import Testing

/// The issue's example context.
let lightsContext = """
    context:
      expressions:
        changeLights:
          - "[turn, switch] $state:state (the) $room:room lights"
          - "[turn, switch] (the) $room:room lights $state:state"
      slots:
        state: [on, off]
        room: [kitchen, living room, bedroom, bathroom]
    """

@Suite struct IntentParserTests {
    let parser = try! Context(yaml: lightsContext).parser

    @Test func parsesTheIssueExample() {
        #expect(
            parser.parse("turn on the kitchen lights") == .understood(intent: "changeLights", slots: ["state": "on", "room": "kitchen"]))
        #expect(
            parser.parse("switch off bathroom lights") == .understood(intent: "changeLights", slots: ["state": "off", "room": "bathroom"]))
    }

    @Test func matchesCaseInsensitivelyWithMultiWordSlotValues() {
        #expect(
            parser.parse("Switch the LIVING room lights off")
                == .understood(intent: "changeLights", slots: ["state": "off", "room": "living room"]))
        #expect(
            parser.parse("  turn   on\tthe living  room lights ")
                == .understood(intent: "changeLights", slots: ["state": "on", "room": "living room"]))
    }

    @Test func trimsPunctuationAndPronunciationMarks() {
        #expect(
            parser.parse("Turn on the kitchen lights.") == .understood(intent: "changeLights", slots: ["state": "on", "room": "kitchen"]))
        #expect(
            parser.parse("turn on the(2) kitchen lights") == .understood(intent: "changeLights", slots: ["state": "on", "room": "kitchen"]))
    }

    @Test(arguments: [
        "turn on the kitchen lights please",  // extra word at the end
        "please turn on the kitchen lights",  // extra word at the start
        "turn on the the kitchen lights",  // repeated optional
        "turn on the kitchen",  // missing word
        "turn the kitchen lights",  // missing slot
        "turn on the living lights",  // half of a multi-word value
        "turn on the garage lights",  // a value the slot type does not have
        "",
        "   ",
        "lights",
    ])
    func answersNotUnderstoodWithTheTranscript(_ transcript: String) {
        #expect(parser.parse(transcript) == .notUnderstood(transcript: transcript))
    }

    @Test func keepsApostrophes() throws {
        let context = try Context(
            yaml: """
                context:
                  expressions:
                    orderDrink:
                      - "I'd like (a) $drink:drink (please)"
                      - "I would like (a) $drink:drink"
                  slots:
                    drink: [tea, coffee, "builder's tea"]
                """)
        #expect(context.vocabulary.contains("i'd"))
        #expect(context.vocabulary.contains("builder's"))
        let parser = context.parser
        #expect(parser.parse("I'd like a coffee") == .understood(intent: "orderDrink", slots: ["drink": "coffee"]))
        #expect(
            parser.parse("i\u{2019}d like builder's tea please") == .understood(intent: "orderDrink", slots: ["drink": "builder's tea"]))
        #expect(parser.parse("id like a coffee") == .notUnderstood(transcript: "id like a coffee"))
    }

    @Test func nestedOptionalChoicesAndSlotsInsideChoices() throws {
        let context = try Context(
            yaml: """
                context:
                  expressions:
                    dim:
                      - "([please, kindly]) dim [the $room:room lights, $room:room] ([a bit, (all the way) down])"
                  slots:
                    room: [kitchen, hall]
                """)
        let parser = context.parser
        for text in [
            "dim the kitchen lights", "please dim hall", "kindly dim the hall lights a bit", "dim kitchen down",
            "dim kitchen all the way down",
        ] {
            #expect(parser.parse(text).intent == "dim", "\(text)")
        }
        #expect(parser.parse("kindly dim hall all the way down").slots == ["room": "hall"])
        for text in ["please kindly dim hall", "dim the kitchen", "dim kitchen all the way", "dim kitchen a bit down"] {
            #expect(!parser.parse(text).isUnderstood, "\(text)")
        }
    }

    @Test func reportsNormalizedSlotValues() throws {
        let context = try Context(
            yaml: """
                context:
                  expressions:
                    setTimer:
                      - "set a timer for $minutes:minutes minutes"
                  slots:
                    minutes: [{five: 5}, {twenty five: 25}, twenty]
                """)
        let parser = context.parser
        #expect(parser.parse("set a timer for twenty five minutes").slots == ["minutes": "25"])
        #expect(parser.parse("set a timer for twenty minutes").slots == ["minutes": "twenty"])
        #expect(!parser.parse("set a timer for 25 minutes").isUnderstood)
    }

    @Test func backtracksOverSlotValuesThatArePrefixesOfEachOther() throws {
        let context = try Context(
            yaml: """
                context:
                  expressions:
                    go:
                      - "go to the $place:place (room) now"
                  slots:
                    place: [living, living room, room]
                """)
        let parser = context.parser
        #expect(parser.parse("go to the living room now").slots == ["place": "living"])  // list order wins: "living" + optional "room"
        #expect(parser.parse("go to the living room room now").slots == ["place": "living room"])
        #expect(parser.parse("go to the living now").slots == ["place": "living"])
    }

    @Test func prefersTheFirstIntentInFileOrderWhenAmbiguous() throws {
        let context = try Context(
            yaml: """
                context:
                  expressions:
                    zeta:
                      - "stop (the) music"
                    alpha:
                      - "stop the music"
                      - "stop $what:what"
                  slots:
                    what: [music, the music]
                """)
        #expect(context.parser.parse("stop the music") == .understood(intent: "zeta", slots: [:]))
        #expect(context.parser.parse("stop music") == .understood(intent: "zeta", slots: [:]))
    }
}
