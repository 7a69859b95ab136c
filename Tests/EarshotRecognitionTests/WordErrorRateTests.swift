import EarshotRecognition
import Testing

@Suite struct WordErrorRateTests {
    @Test func identicalTextsHaveNoErrors() {
        let result = WordErrorRate(reference: "go forward ten meters", hypothesis: "Go  forward ten meters")
        #expect(result == WordErrorRate(referenceWords: 4))
        #expect(result.rate == 0)
    }

    @Test func countsEachKindOfEdit() {
        #expect(
            WordErrorRate(reference: "four queen of clubs", hypothesis: "for queen of clubs")
                == WordErrorRate(substitutions: 1, referenceWords: 4))
        #expect(
            WordErrorRate(reference: "a more a amiable woman", hypothesis: "a more amiable woman")
                == WordErrorRate(deletions: 1, referenceWords: 5))
        #expect(
            WordErrorRate(reference: "made amiable himself", hypothesis: "made the amiable himself")
                == WordErrorRate(insertions: 1, referenceWords: 3))
        let mixed = WordErrorRate(reference: "a b c d", hypothesis: "x b d e f")
        #expect(mixed.substitutions + mixed.deletions + mixed.insertions == 4)
        #expect(mixed.errors == 4)
        #expect(mixed.rate == 1.0)
    }

    @Test func emptySides() {
        #expect(WordErrorRate(reference: "one two", hypothesis: "") == WordErrorRate(deletions: 2, referenceWords: 2))
        #expect(WordErrorRate(reference: "", hypothesis: "one") == WordErrorRate(insertions: 1, referenceWords: 0))
        #expect(WordErrorRate(reference: "", hypothesis: "").rate == 0)
    }

    @Test func corpusRateSumsCounts() {
        var total = WordErrorRate()
        total += WordErrorRate(reference: "a b", hypothesis: "a c")
        total += WordErrorRate(reference: "a b c d e f", hypothesis: "a b c d e f")
        #expect(total == WordErrorRate(substitutions: 1, referenceWords: 8))
        #expect(total.rate == 0.125)
        #expect(total.description.hasPrefix("WER 12.5% (1 errors"))
    }
}
