import EarshotIntent
import Testing

@Suite struct JSGFTests {
    @Test func writesTheIssueExampleExactly() throws {
        let grammar = try Context(yaml: lightsContext).jsgfGrammar(name: "lights")
        #expect(
            grammar == """
                #JSGF V1.0;
                grammar lights;
                public <command> = <intent_changeLights>;
                <intent_changeLights> = (turn | switch) <slot_state> [the] <slot_room> lights | (turn | switch) [the] <slot_room> lights <slot_state>;
                <slot_state> = on | off;
                <slot_room> = kitchen | living room | bedroom | bathroom;

                """)
    }

    @Test func writesNestedGroupsOneRulePerIntentAndOnlyUsedSlotTypes() throws {
        let context = try Context(
            yaml: """
                context:
                  expressions:
                    dim:
                      - "([please, kindly]) dim [the $room:room lights, $room:room] ([a bit, (all the way) down])"
                    whatTime:
                      - "what time is it"
                      - "[what's the time, tell me the time]"
                  slots:
                    room: [kitchen, hall]
                    unused: [never, said]
                """)
        #expect(
            context.jsgfGrammar(name: "smart home!") == """
                #JSGF V1.0;
                grammar smart_home_;
                public <command> = <intent_dim> | <intent_whatTime>;
                <intent_dim> = [please | kindly] dim (the <slot_room> lights | <slot_room>) [a bit | [all the way] down];
                <intent_whatTime> = what time is it | what's the time | tell me the time;
                <slot_room> = kitchen | hall;

                """)
        #expect(
            context.vocabulary == [
                "please", "kindly", "dim", "the", "lights", "a", "bit", "all", "way", "down", "what", "time", "is", "it",
                "what's", "tell", "me", "kitchen", "hall",
            ])
    }
}
