import ArgumentParser
import EarshotIntent
import Foundation

/// `earshot-cloud context …`: check a speech-to-intent context file, print its JSGF grammar,
/// parse a transcript, draw sample commands.
struct ContextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Work with speech-to-intent context files (YAML: intents by expressions, slots by value lists).",
        subcommands: [Check.self, JSGF.self, Parse.self, Sample.self])

    /// Loads a context or exits 1 with `FILE:LINE:COL: message` on stderr.
    static func load(_ path: String) throws -> Context {
        do {
            return try Context(contentsOfFile: path)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a context; print its intents, slot types and vocabulary size (exit 1 with FILE:LINE:COL: message).")

        @Argument(help: "The context file (YAML).")
        var file: String

        func run() throws {
            let context = try ContextCommand.load(file)
            print("\(file): \(context.intents.count) intents, \(context.slotTypes.count) slot types, \(context.vocabulary.count) words")
            for intent in context.intents {
                let slots = Set(intent.expressions.flatMap(\.pattern.slotTypes)).sorted()
                print(
                    "  intent \(intent.name): \(intent.expressions.count) expressions"
                        + (slots.isEmpty ? "" : ", slots \(slots.joined(separator: ", "))"))
            }
            for type in context.slotTypes {
                print("  slot \(type.name): \(type.values.count) values")
            }
        }
    }

    struct JSGF: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jsgf", abstract: "Print the context's JSGF grammar (the recognizer's grammar mode).")

        @Argument(help: "The context file (YAML).")
        var file: String

        @Option(help: "The grammar's name (default: the file's name without extension).")
        var name: String?

        func run() throws {
            let context = try ContextCommand.load(file)
            let stem = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            print(context.jsgfGrammar(name: name ?? stem), terminator: "")
        }
    }

    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse transcripts; one JSON line each: {\"understood\",\"intent\",\"slots\",\"transcript\"}.")

        @Argument(help: "The context file (YAML).")
        var file: String

        @Argument(help: "Transcripts (quote each one); none: one transcript per line of standard input.")
        var transcripts: [String] = []

        func run() throws {
            let parser = try ContextCommand.load(file).parser
            if transcripts.isEmpty {
                while let transcript = readLine() {
                    print(try ContextCommand.json(ParsedLine(parser.parse(transcript), transcript: transcript)))
                }
            } else {
                for transcript in transcripts {
                    print(try ContextCommand.json(ParsedLine(parser.parse(transcript), transcript: transcript)))
                }
            }
        }
    }

    struct Sample: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw random in-grammar commands; one JSON line each: {\"text\",\"intent\",\"slots\"} (deterministic given --seed).")

        @Argument(help: "The context file (YAML).")
        var file: String

        @Option(help: "How many commands.")
        var count: Int = 10

        @Option(help: "The random seed.")
        var seed: UInt64 = 1

        func run() throws {
            for command in try ContextCommand.load(file).sample(count: count, seed: seed) {
                print(try ContextCommand.json(command))
            }
        }
    }
}

/// One line of `context parse`.
private struct ParsedLine: Encodable {
    var understood: Bool
    var intent: String?
    var slots: [String: String]
    var transcript: String

    init(_ result: IntentResult, transcript: String) {
        understood = result.isUnderstood
        intent = result.intent
        slots = result.slots
        self.transcript = transcript
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(understood, forKey: .understood)
        try container.encode(intent, forKey: .intent)
        try container.encode(slots, forKey: .slots)
        try container.encode(transcript, forKey: .transcript)
    }

    private enum CodingKeys: String, CodingKey { case understood, intent, slots, transcript }
}
