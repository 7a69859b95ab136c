import EarshotEdge
import EarshotWire
import Foundation
import Testing

@Suite struct SpoolTests {
    @Test func entriesSurviveReopeningInOrderAndKeysNeverRepeat() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let configuration = SpoolConfiguration(directory: folder.file("spool"))
        var allKeys: [SegmentKey] = []
        var written: [SegmentKey: Data] = [:]
        for boot in 1...3 {
            let spool = try Spool(configuration: configuration, deviceID: "kitchen-pi", logger: LogCapture().logger())
            #expect(spool.boot == boot)
            for _ in 0..<3 {
                let (key, wav) = try SegmentFactory.enqueue(spool)
                allKeys.append(key)
                written[key] = wav
            }
        }
        #expect(Set(allKeys).count == 9)
        #expect(allKeys.first?.description == "kitchen-pi.b000001.s000000")
        #expect(allKeys.last?.description == "kitchen-pi.b000003.s000002")
        #expect(try BootCounter.current(in: folder.file("spool")) == 3)

        let spool = try Spool(configuration: configuration, deviceID: "kitchen-pi", logger: LogCapture().logger())
        #expect(spool.entries().map(\.key) == allKeys)
        let counters = spool.counters()
        #expect(counters.spoolEntries == 9)
        #expect(counters.spoolBytes == spool.entries().reduce(0) { $0 + $1.byteCount })
        var delivered: [SegmentKey] = []
        while let segment = spool.nextSegment() {
            #expect(segment.wav == written[segment.metadata.key])
            #expect(segment.metadata == SegmentFactory.metadata(segment.metadata.key))
            delivered.append(segment.metadata.key)
            spool.markDelivered(segment.entry)
        }
        #expect(delivered == allKeys)
        #expect(spool.counters().uploaded == 9)
        #expect(spool.counters().spoolBytes == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.queueDirectory).isEmpty)
    }

    @Test func fullSpoolDropsTheOldestAndCountsIt() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let logs = LogCapture()
        let probe = try Spool(configuration: SpoolConfiguration(directory: folder.file("probe")), deviceID: "d")
        try SegmentFactory.enqueue(probe)
        let entrySize = probe.entries()[0].byteCount
        let spool = try Spool(
            configuration: SpoolConfiguration(directory: folder.file("spool"), maxBytes: entrySize * 3 + entrySize / 2),
            deviceID: "d", logger: logs.logger())
        let keys = try (0..<5).map { _ in try SegmentFactory.enqueue(spool).0 }
        #expect(spool.entries().map(\.key) == Array(keys.suffix(3)))
        let counters = spool.counters()
        #expect(counters.dropped == 2)
        #expect(counters.spooled == 5)
        #expect(counters.spoolBytes <= entrySize * 3 + entrySize / 2)
        let drops = logs.records.filter { $0.message.contains("dropped the oldest") }
        #expect(drops.map { $0.metadata["key"] } == [keys[0].description, keys[1].description])

        let tooBig = spool.makeKey()
        #expect(throws: EdgeError.self) {
            try spool.enqueue(SegmentFactory.metadata(tooBig), wav: SegmentFactory.wav(tooBig, samples: entrySize * 2))
        }
        #expect(spool.entries().count == 3)
    }

    @Test func entriesPastTheAgeLimitAreDropped() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let clock = LockedClock(Date(timeIntervalSince1970: 1_800_000_000))
        let configuration = SpoolConfiguration(directory: folder.file("spool"))
        let first = try Spool(configuration: configuration, deviceID: "d", now: { clock.now })
        try SegmentFactory.enqueue(first)
        clock.advance(by: 6 * 24 * 3600)
        try SegmentFactory.enqueue(first)
        clock.advance(by: 2 * 24 * 3600)  // the first is now 8 days old, the second 2
        let reopened = try Spool(configuration: configuration, deviceID: "d", logger: LogCapture().logger(), now: { clock.now })
        #expect(reopened.entries().map(\.key.sequence) == [1])
        #expect(reopened.counters().dropped == 1)
        clock.advance(by: 6 * 24 * 3600)
        #expect(reopened.nextSegment() == nil)
        #expect(reopened.counters().dropped == 2)
    }

    @Test func aSpoolUnderARegularFileFailsWithAClearError() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let blocker = folder.write("not a folder", to: "blocker")
        do {
            _ = try Spool(configuration: SpoolConfiguration(directory: blocker + "/spool"), deviceID: "d")
            Issue.record("opened a spool under a regular file")
        } catch let error as EdgeError {
            #expect(error.code == .spoolUnwritable)
            #expect(error.description.contains(blocker))
        }
    }

    @Test func aQueueThatBecomesUnwritableFailsTheWriteNotTheProcess() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let spool = try Spool(configuration: SpoolConfiguration(directory: folder.file("spool")), deviceID: "d")
        try SegmentFactory.enqueue(spool)
        try FileManager.default.removeItem(atPath: spool.queueDirectory)
        _ = folder.write("", to: "spool/queue")  // the queue folder is now a regular file
        do {
            try SegmentFactory.enqueue(spool)
            Issue.record("wrote into a queue that is a file")
        } catch let error as EdgeError {
            #expect(error.code == .spoolUnwritable)
            #expect(error.description.contains(spool.queueDirectory))
        }
    }

    @Test func aDamagedEntryIsMovedAsideWithAReason() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let configuration = SpoolConfiguration(directory: folder.file("spool"))
        let spool = try Spool(configuration: configuration, deviceID: "d")
        let keys = try (0..<3).map { _ in try SegmentFactory.enqueue(spool).0 }
        let damaged = spool.queueDirectory + "/\(keys[1]).seg"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        bytes[bytes.count - 100] ^= 0xFF  // one flipped bit pattern in the audio
        try bytes.write(to: URL(fileURLWithPath: damaged))

        // Found while draining an open spool …
        var delivered: [SegmentKey] = []
        while let segment = spool.nextSegment() {
            delivered.append(segment.metadata.key)
            spool.markDelivered(segment.entry)
        }
        #expect(delivered == [keys[0], keys[2]])
        #expect(spool.counters().corrupt == 1)
        let reason = try String(contentsOfFile: spool.corruptDirectory + "/\(keys[1]).seg.reason", encoding: .utf8)
        #expect(reason.contains("checksum"))
        #expect(FileManager.default.fileExists(atPath: spool.corruptDirectory + "/\(keys[1]).seg"))

        // … and at open.
        let key = spool.makeKey()
        try spool.enqueue(SegmentFactory.metadata(key), wav: SegmentFactory.wav(key))
        let path = spool.queueDirectory + "/\(key).seg"
        var entry = try Data(contentsOf: URL(fileURLWithPath: path))
        entry[30] ^= 0x01  // inside the metadata JSON
        try entry.write(to: URL(fileURLWithPath: path))
        let reopened = try Spool(configuration: configuration, deviceID: "d", logger: LogCapture().logger())
        #expect(reopened.entries().isEmpty)
        #expect(reopened.counters().corrupt == 1)
        #expect(FileManager.default.fileExists(atPath: reopened.corruptDirectory + "/\(key).seg.reason"))
    }

    @Test func crashLeftoversAreCleanedAndTornEntriesNeverDelivered() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let configuration = SpoolConfiguration(directory: folder.file("spool"))
        let spool = try Spool(configuration: configuration, deviceID: "d")
        let (good, goodWAV) = try SegmentFactory.enqueue(spool)
        let (torn, _) = try SegmentFactory.enqueue(spool)
        // A crash in the middle of a write leaves a temporary file: half an entry.
        let complete = try Data(contentsOf: URL(fileURLWithPath: spool.queueDirectory + "/\(good).seg"))
        try complete.prefix(complete.count / 2).write(to: URL(fileURLWithPath: spool.queueDirectory + "/.tmp-d.b000001.s000009.seg-1-2"))
        _ = folder.write("{\"half", to: "spool/.tmp-boot-counter-1-2")
        // A disk that lost the end of a renamed entry: a torn entry under its final name.
        let tornPath = spool.queueDirectory + "/\(torn).seg"
        let tornBytes = try Data(contentsOf: URL(fileURLWithPath: tornPath))
        try tornBytes.prefix(tornBytes.count - 10).write(to: URL(fileURLWithPath: tornPath))
        // And a header cut short.
        _ = folder.write("ESPO", to: "spool/queue/d.b000001.s000005.seg")

        let logs = LogCapture()
        let reopened = try Spool(configuration: configuration, deviceID: "d", logger: logs.logger())
        #expect(reopened.boot == 2)
        let queue = try FileManager.default.contentsOfDirectory(atPath: reopened.queueDirectory)
        #expect(queue == ["\(good).seg"])
        #expect(!FileManager.default.fileExists(atPath: folder.file("spool/.tmp-boot-counter-1-2")))
        let segment = try #require(reopened.nextSegment())
        #expect(segment.metadata.key == good)
        #expect(segment.wav == goodWAV)
        #expect(reopened.counters().corrupt == 2)
        let tornReason = try String(contentsOfFile: reopened.corruptDirectory + "/\(torn).seg.reason", encoding: .utf8)
        #expect(tornReason.contains("torn"))
        let shortReason = try String(contentsOfFile: reopened.corruptDirectory + "/d.b000001.s000005.seg.reason", encoding: .utf8)
        #expect(shortReason.contains("header"))
        #expect(logs.records.filter { $0.message.contains("temporary file") }.count == 2)
        #expect(logs.records.filter { $0.message.contains("moved to corrupt") }.allSatisfy { $0.metadata["key"] != nil })
    }

    @Test func badSegmentsAreRefusedBeforeTouchingTheDisk() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let spool = try Spool(configuration: SpoolConfiguration(directory: folder.file("spool")), deviceID: "d")
        let (key, wav) = try SegmentFactory.enqueue(spool)
        #expect(throws: EdgeError.self) { try spool.enqueue(SegmentFactory.metadata(key), wav: wav) }  // duplicate key
        let other = spool.makeKey()
        #expect(throws: EdgeError.self) { try spool.enqueue(SegmentFactory.metadata(other), wav: Data("RIFF....".utf8)) }
        var metadata = SegmentFactory.metadata(other)
        metadata.score = -1
        #expect(throws: EdgeError.self) { try spool.enqueue(metadata, wav: wav) }
        #expect(spool.entries().count == 1)
        #expect(throws: EdgeError.self) {
            try Spool(configuration: SpoolConfiguration(directory: folder.file("x")), deviceID: "bad id")
        }
    }

    @Test func deadLettersKeepTheAudioAndTheReason() throws {
        let folder = TemporaryFolder("spool")
        defer { folder.remove() }
        let spool = try Spool(configuration: SpoolConfiguration(directory: folder.file("spool")), deviceID: "d")
        let (key, _) = try SegmentFactory.enqueue(spool)
        let segment = try #require(spool.nextSegment())
        spool.moveToDeadLetters(segment.entry, status: 422, reason: "invalid_audio: too short")
        #expect(spool.entries().isEmpty)
        #expect(spool.counters().deadLettered == 1)
        #expect(FileManager.default.fileExists(atPath: spool.deadLetterDirectory + "/\(key).seg"))
        let reason = try String(contentsOfFile: spool.deadLetterDirectory + "/\(key).seg.reason", encoding: .utf8)
        #expect(reason.contains("HTTP 422: invalid_audio: too short"))

        // An operator fixed the cause: the dead letter goes back into the queue, whole.
        #expect(try spool.requeueDeadLetters() == 1)
        #expect(spool.entries().map(\.key) == [key])
        #expect(!FileManager.default.fileExists(atPath: spool.deadLetterDirectory + "/\(key).seg.reason"))
        let again = try #require(spool.nextSegment())
        #expect(again.wav == segment.wav)
        #expect(try spool.requeueDeadLetters() == 0)
    }
}

/// A settable wall clock.
final class LockedClock: @unchecked Sendable {
    // Invariant: `current` is touched only while `lock` is held.
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(by seconds: Double) {
        lock.lock()
        current += seconds
        lock.unlock()
    }
}
