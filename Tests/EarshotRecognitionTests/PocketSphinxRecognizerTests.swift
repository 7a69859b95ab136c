import EarshotRecognition
import Foundation
import Testing

@Suite struct PocketSphinxRecognizerTests {
    /// The wrapper must lose nothing against Debian's own batch decoder on the same audio.
    @Test func freeFormMatchesPocketSphinxBatch() throws {
        let recognizer = try TestSupport.recognizer.get()
        let baseline = try TestSupport.batchHypotheses()
        var ours = WordErrorRate()
        var theirs = WordErrorRate()
        for (id, reference) in try TestSupport.references() {
            let heard = try recognizer.transcribe(try TestSupport.samples(id))
            let batch = try #require(baseline[id])
            #expect(heard.text == batch, "\(id)")
            ours += WordErrorRate(reference: reference, hypothesis: heard.text)
            theirs += WordErrorRate(reference: reference, hypothesis: batch)
            #expect(heard.words.map(\.text).joined(separator: " ") == heard.text)
            #expect(heard.audioSeconds > 0 && heard.seconds > 0)
        }
        #expect(theirs.referenceWords == 96)
        #expect(ours.rate <= theirs.rate, "ours \(ours), pocketsphinx_batch \(theirs)")
    }

    @Test func grammarConstrainsTheCommand() throws {
        let recognizer = try TestSupport.recognizer.get()
        let samples = try TestSupport.samples("goforward")
        let command = try recognizer.transcribe(samples, grammar: TestSupport.movement)
        #expect(command.text == "go forward ten meters")
        #expect(command.words.map(\.text) == ["go", "forward", "ten", "meters"])
        #expect(command.words.first.map { $0.start < $0.end } == true)
        // Free-form again on the same decoders: the language model search comes back.
        #expect(try recognizer.transcribe(samples).text == "go forward ten meters")
        #expect(try recognizer.transcribe(try TestSupport.samples("001")).text == "ten of clubs")
        // And the cached grammar still works.
        #expect(try recognizer.transcribe(samples, grammar: TestSupport.movement).text == "go forward ten meters")
    }

    @Test func speechOutsideTheGrammarStillYieldsASentenceOfIt() throws {
        let recognizer = try TestSupport.recognizer.get()
        let cards = RecognitionGrammar(
            id: "cards",
            jsgf: """
                #JSGF V1.0;
                grammar cards;
                public <card> = (ace | two | ten | queen) of (clubs | spades | hearts);
                """)
        let heard = try recognizer.transcribe(
            try TestSupport.samples("sense_and_sensibility_01_austen_64kb-0880"), grammar: cards)
        let pattern = /^((ace|two|ten|queen) of (clubs|spades|hearts))?$/
        #expect(heard.text.wholeMatch(of: pattern) != nil, "\(heard.text)")
    }

    @Test func poolReusesItsDecodersAcrossThreads() throws {
        let recognizer = try PocketSphinxRecognizer(PocketSphinxConfiguration(decoders: 2))
        let samples = try TestSupport.samples("001")
        let threads = 6
        let callsPerThread = 3
        let results = Collected()
        let group = DispatchGroup()
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread {
                for _ in 0..<callsPerThread {
                    let text = (try? recognizer.transcribe(samples).text) ?? "error"
                    results.append(text)
                }
                group.leave()
            }
        }
        group.wait()
        let texts = results.values
        #expect(texts == Array(repeating: "ten of clubs", count: threads * callsPerThread))
        let statistics = recognizer.statistics
        #expect(statistics.decodersCreated == 2)
        #expect(statistics.decodersUsed <= 2)
        #expect(statistics.checkouts == threads * callsPerThread)
        #expect(statistics.peakConcurrent <= 2)
    }

    @Test func badGrammarIsAClearError() throws {
        let recognizer = try TestSupport.recognizer.get()
        let samples = try TestSupport.samples("goforward")
        let broken = RecognitionGrammar(id: "broken", jsgf: "#JSGF V1.0;\ngrammar broken;\npublic <a> = go (forward ;\n")
        let error = #expect(throws: RecognitionError.self) { try recognizer.transcribe(samples, grammar: broken) }
        #expect(error?.code == .invalidGrammar)
        #expect(error?.description.contains("grammar 'broken'") == true)

        let unknown = RecognitionGrammar(
            id: "unknown-word", jsgf: "#JSGF V1.0;\ngrammar u;\npublic <a> = go zzqxv;\n")
        let missing = #expect(throws: RecognitionError.self) { try recognizer.transcribe(samples, grammar: unknown) }
        #expect(missing?.code == .invalidGrammar)
        #expect(missing?.description.contains("zzqxv") == true)
        // The decoders survive the failures.
        #expect(try recognizer.transcribe(samples, grammar: TestSupport.movement).text == "go forward ten meters")
    }

    @Test func missingWordsChecksTheDictionary() throws {
        let recognizer = try TestSupport.recognizer.get()
        #expect(try recognizer.missingWords(in: ["Kitchen", "lights", "zzqxv"]) == ["zzqxv"])
        #expect(try recognizer.missingWords(in: TestSupport.movement) == [])
        #expect(
            TestSupport.movement.vocabulary == [
                "go", "meters", "forward", "backward", "one", "two", "three", "four", "five", "six", "seven", "eight",
                "nine", "ten",
            ])
    }

    @Test func missingModelIsAClearError() throws {
        let error = #expect(throws: RecognitionError.self) {
            try PocketSphinxRecognizer(PocketSphinxConfiguration(languageModel: "/nonexistent/en-us.lm.bin"))
        }
        #expect(error?.code == .modelNotFound)
        #expect(error?.description == "/nonexistent/en-us.lm.bin: language model not found")
        let folder = #expect(throws: RecognitionError.self) {
            try PocketSphinxRecognizer(PocketSphinxConfiguration(acousticModel: "/nonexistent/hmm"))
        }
        #expect(folder?.code == .modelNotFound)
    }

    @Test func otherSampleRatesAreRefused() throws {
        let recognizer = try TestSupport.recognizer.get()
        let error = #expect(throws: RecognitionError.self) {
            try recognizer.transcribe([Int16](repeating: 0, count: 8000), sampleRate: 8000, grammar: nil)
        }
        #expect(error?.code == .unsupportedSampleRate)
        #expect(try recognizer.transcribe([]).text == "")
    }
}

/// Strings appended from several threads.
private final class Collected: @unchecked Sendable {
    // Invariant: `items` is only touched with `lock` held.
    private let lock = NSLock()
    private var items: [String] = []

    func append(_ item: String) { lock.withLock { items.append(item) } }
    var values: [String] { lock.withLock { items } }
}
