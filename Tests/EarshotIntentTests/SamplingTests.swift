import EarshotIntent
import Testing

@Suite struct SamplingTests {
    @Test func isDeterministicGivenASeed() throws {
        let context = try Context(yaml: lightsContext)
        let first = context.sample(count: 50, seed: 7)
        #expect(first == context.sample(count: 50, seed: 7))
        #expect(first != context.sample(count: 50, seed: 8))
        #expect(first.count == 50)
        #expect(context.sample(count: 0, seed: 7).isEmpty)
        // pinned so that a validation set rebuilt later is the same set
        #expect(context.sample(count: 1, seed: 1) == context.sample(count: 1, seed: 1))
    }

    @Test func everySampledCommandParsesBackToItsIntentAndSlots() throws {
        let contexts = [
            try Context(yaml: lightsContext),
            try Context(
                yaml: """
                    context:
                      expressions:
                        dim:
                          - "([please, kindly]) dim [the $room:room lights, $room:room] ([a bit, (all the way) down])"
                        setTimer:
                          - "set a timer for $minutes:minutes [minute, minutes]"
                        orderDrink:
                          - "I'd like (a) $drink:drink (please)"
                      slots:
                        room: [kitchen, hall, living room]
                        minutes: [{one: 1}, {twenty: 20}, {twenty one: 21}]
                        drink: [tea, "builder's tea"]
                    """),
        ]
        for context in contexts {
            let parser = context.parser
            for command in context.sample(count: 2000, seed: 42) {
                #expect(parser.parse(command.text) == .understood(intent: command.intent, slots: command.slots), "\(command.text)")
            }
        }
    }

    @Test func drawsEveryIntentAndEverySlotValue() throws {
        let context = try Context(yaml: lightsContext)
        let samples = context.sample(count: 500, seed: 3)
        #expect(Set(samples.compactMap { $0.slots["room"] }) == ["kitchen", "living room", "bedroom", "bathroom"])
        #expect(Set(samples.map(\.text)).count > 50)
    }
}
