import EarshotAudio
import EarshotInference
import Foundation

/// Loads a model version from its folder and runs its card's checks.
public enum CardChecker {
    /// Reads `<directory>/card.json`, the model file beside it, checks the file's hash and runs
    /// the end-to-end test set.
    ///
    /// - Parameters:
    ///   - directory: the version folder, `…/<name>/<version>`.
    ///   - dataDirectory: where `data:` test-set paths point (the shared data folder).
    /// - Returns: the loaded model; its ``LoadedModel/checks`` say whether it passed.
    /// - Throws: ``CloudError`` with code `model_refused` when the card, the file or the
    ///   interpreter cannot be used at all.
    public static func load(directory: String, dataDirectory: String) throws -> LoadedModel {
        let card = try ModelCard.read(path: directory + "/card.json")
        let folderVersion = URL(fileURLWithPath: directory).lastPathComponent
        let folderName = URL(fileURLWithPath: directory).deletingLastPathComponent().lastPathComponent
        guard card.version == folderVersion, card.name == folderName else {
            throw CloudError(
                .modelRefused, "\(directory)/card.json: names \(card.name)@\(card.version) but lies in \(folderName)/\(folderVersion)")
        }
        let modelPath = directory + "/" + card.modelFile
        guard let bytes = FileManager.default.contents(atPath: modelPath) else {
            throw CloudError(.modelRefused, "\(modelPath): model file is missing (run scripts/cloud/fetch-models.sh)")
        }
        if let expected = card.modelSHA256 {
            let actual = SHA256.hex(bytes)
            guard actual == expected.lowercased() else {
                throw CloudError(.modelRefused, "\(modelPath): SHA-256 is \(actual), the card says \(expected)")
            }
        }
        let tflite: TFLiteModel
        do {
            tflite = try TFLiteModel(bytes: [UInt8](bytes))
        } catch {
            throw CloudError(.modelRefused, "\(modelPath): not a usable model: \(error)")
        }
        let placeholder = LoadedModel(
            card: card, tflite: tflite, directory: directory, checks: CardCheckReport(cases: [], metric: 0, passed: false, problems: []))
        let verifier = try WakeWordVerifier(model: placeholder)
        let report = run(card: card, verifier: verifier, directory: directory, dataDirectory: dataDirectory)
        return LoadedModel(card: card, tflite: tflite, directory: directory, checks: report)
    }

    /// The path a test-set entry names.
    public static func resolve(_ file: String, directory: String, dataDirectory: String) -> String {
        if file.hasPrefix("data:") { return dataDirectory + "/" + file.dropFirst(5) }
        if file.hasPrefix("/") { return file }
        return directory + "/" + file
    }

    static func run(card: ModelCard, verifier: WakeWordVerifier, directory: String, dataDirectory: String) -> CardCheckReport {
        var cases: [CardCheckReport.Case] = []
        var problems: [String] = []
        var matches = 0
        for test in card.testSet {
            let path = resolve(test.file, directory: directory, dataDirectory: dataDirectory)
            do {
                let samples = try AudioFileReader.readAll(path: path)
                let output = try verifier.verify(samples)
                var problem: String?
                if output.verified == test.expectedVerified {
                    matches += 1
                } else {
                    problem = "verified \(output.verified), expected \(test.expectedVerified) (score \(format(output.score)))"
                }
                if let expected = test.expectedScore {
                    let tolerance = test.scoreTolerance ?? 0.02
                    if abs(output.score - expected) > tolerance {
                        problem =
                            (problem.map { $0 + "; " } ?? "")
                            + "score \(format(output.score)) is not within \(tolerance) of \(expected)"
                    }
                }
                if let problem { problems.append("\(test.file): \(problem)") }
                cases.append(
                    .init(file: test.file, score: output.score, verified: output.verified, passed: problem == nil, problem: problem))
            } catch {
                let problem = "cannot run: \(error)"
                problems.append("\(test.file): \(problem)")
                cases.append(.init(file: test.file, score: 0, verified: false, passed: false, problem: problem))
            }
        }
        let metric = Double(matches) / Double(card.testSet.count)
        if !(card.acceptance.min...card.acceptance.max).contains(metric) {
            problems.append(
                "accuracy \(format(metric)) is outside the acceptable range \(card.acceptance.min)...\(card.acceptance.max)")
        }
        return CardCheckReport(cases: cases, metric: metric, passed: problems.isEmpty, problems: problems)
    }

    private static func format(_ value: Double) -> String { String(format: "%.4f", value) }
}
