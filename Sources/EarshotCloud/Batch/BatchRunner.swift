import Dispatch
import EarshotAudio
import EarshotWire
import Foundation

/// Runs the stateless verify function over batch items on every core: each item's file is
/// read and verified on an inference worker, and its line handed to `emit` as it finishes.
public struct BatchRunner: Sendable {
    /// The model version that scores every item.
    public let model: LoadedModel
    /// The workers (size it to the cores).
    public let pool: InferencePool
    /// Items in flight at once (default: 2 per worker, so workers never wait for a read).
    public let concurrency: Int
    /// Speech-to-intent after the verifier (nil: verification only).
    public let understanding: BatchUnderstanding?

    /// Creates a runner.
    public init(model: LoadedModel, pool: InferencePool, concurrency: Int? = nil, understanding: BatchUnderstanding? = nil) {
        self.model = model
        self.pool = pool
        self.concurrency = max(1, concurrency ?? 2 * pool.workerCount)
        self.understanding = understanding
    }

    /// Scores every item; `emit` is called once per item, in completion order, from one task at a time.
    public func run(_ items: [BatchItem], emit: (BatchResult) async throws -> Void) async throws {
        let model = self.model
        let pool = self.pool
        let understanding = self.understanding
        try await withThrowingTaskGroup(of: BatchResult.self) { group in
            var next = 0
            func addNext() {
                guard next < items.count else { return }
                let item = items[next]
                next += 1
                group.addTask { await Self.score(item, model: model, pool: pool, understanding: understanding) }
            }
            for _ in 0..<min(concurrency, items.count) { addNext() }
            while let result = try await group.next() {
                try await emit(result)
                addNext()
            }
        }
    }

    static func score(
        _ item: BatchItem, model: LoadedModel, pool: InferencePool, understanding: BatchUnderstanding?
    ) async -> BatchResult {
        while true {
            do {
                let (line, _) = try await pool.submit { worker in
                    try Self.scoreInline(item, verifier: worker.verifier(for: model), understanding: understanding)
                }
                return line
            } catch let error as CloudError where error.code == .overloaded {
                try? await Task.sleep(for: .milliseconds(5))  // a shared pool is busy: wait, do not drop
            } catch {
                return BatchResult(file: item.file, key: item.key, error: .init(code: "internal", message: "\(error)"))
            }
        }
    }

    /// Reads and scores one item on the calling thread (the plain-loop baseline uses this too).
    public static func scoreInline(_ item: BatchItem, verifier: WakeWordVerifier, understanding: BatchUnderstanding? = nil) -> BatchResult {
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let samples = try AudioFileReader.readAll(path: item.file)
            let begin = DispatchTime.now().uptimeNanoseconds
            let output = try verifier.verify(samples)
            var models = [verifier.model.reference]
            var stages = ["verify": SegmentPipeline.milliseconds(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)]
            var understood: Understanding?
            if let understanding, output.verified || understanding.understandsUnverified {
                let heard = try understanding.stage.understand(
                    samples, context: understanding.context, wakeWord: understanding.wakeWord ?? verifier.model.card.wakeWord)
                models += [understanding.stage.reference, understanding.context.reference]
                stages["recognize"] = SegmentPipeline.milliseconds(heard.recognizeSeconds)
                stages["intent"] = SegmentPipeline.milliseconds(heard.parseSeconds)
                understood = heard
            }
            let end = DispatchTime.now().uptimeNanoseconds
            var result = BatchResult(
                file: item.file, key: item.key, verified: output.verified, score: (output.score * 1e6).rounded() / 1e6,
                models: models,
                timings: PredictionTimings(
                    inferenceMilliseconds: SegmentPipeline.milliseconds(Double(end - begin) / 1e9),
                    totalMilliseconds: SegmentPipeline.milliseconds(Double(end - start) / 1e9), stages: stages))
            result.record(understood, attempted: understanding != nil)
            result.scoreRatio = understood?.scoreRatio.map { ($0 * 1e4).rounded() / 1e4 }
            return result
        } catch let error as AudioError {
            return BatchResult(file: item.file, key: item.key, error: .init(code: "invalid_audio", message: error.description))
        } catch {
            return BatchResult(file: item.file, key: item.key, error: .init(code: "internal", message: "\(error)"))
        }
    }
}

/// Speech-to-intent settings of a batch run.
public struct BatchUnderstanding: Sendable {
    /// The recognizer and its acceptance rule.
    public let stage: CommandUnderstanding
    /// The context every input is understood in.
    public let context: LoadedContext
    /// The wake word the recordings start with (nil: the verifier's).
    public let wakeWord: String?
    /// Understand inputs the verifier rejected too (command-only recordings).
    public let understandsUnverified: Bool

    /// Creates the settings.
    public init(stage: CommandUnderstanding, context: LoadedContext, wakeWord: String? = nil, understandsUnverified: Bool = false) {
        self.stage = stage
        self.context = context
        self.wakeWord = wakeWord
        self.understandsUnverified = understandsUnverified
    }
}
