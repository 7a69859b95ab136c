import EarshotWire
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The on-disk queue of segments waiting for upload: crash-safe, bounded, oldest first.
///
/// Layout of the spool folder:
///
/// ```
/// <directory>/boot-counter         the boot counter (see BootCounter)
/// <directory>/queue/<key>.seg      one entry per segment (see the format in SpoolEntryFormat)
/// <directory>/corrupt/<name>       entries found torn or damaged, with <name>.reason
/// <directory>/dead-letter/<name>   entries the cloud refused (4xx), with <name>.reason
/// ```
///
/// Every segment is on disk before any upload is tried: ``enqueue(_:wav:)`` writes a temporary
/// file in `queue/`, fsyncs it, renames it into place and fsyncs the folder. A crash at any
/// moment leaves either no entry or a whole one; temporary files left by a crash are deleted
/// by the next open. Each entry carries a CRC-32 of its metadata and audio, so an entry torn
/// or damaged by the disk is found, moved to `corrupt/` with a reason file and counted,
/// never delivered and never a crash.
///
/// Limits: the queue holds at most ``SpoolConfiguration/maxBytes``; a segment that does not
/// fit pushes out the oldest entries (policy "drop oldest", each drop counted and logged with
/// its key). Entries older than ``SpoolConfiguration/maxAge`` are dropped the same way.
///
/// Opening the spool raises the ``BootCounter``; ``makeKey()`` then hands out
/// `<device>.b<boot>.s<sequence>` keys that no other boot of this spool makes.
///
/// All methods are safe to call from any thread.
public final class Spool: Sendable {
    /// The folder and limits.
    public let configuration: SpoolConfiguration
    /// The device id of the keys ``makeKey()`` makes.
    public let deviceID: String
    /// This boot's number (the counter after it was raised by this open).
    public let boot: Int
    /// The folder of entries waiting for upload.
    public let queueDirectory: String
    /// The folder of entries found torn or damaged.
    public let corruptDirectory: String
    /// The folder of entries the cloud refused.
    public let deadLetterDirectory: String

    let counterBox: LockedBox<DeliveryCounters>
    private let state: LockedBox<State>
    private let observers = LockedBox<[@Sendable () -> Void]>([])
    private let logger: Logger
    private let now: @Sendable () -> Date

    private struct State {
        /// Oldest first.
        var entries: [SpoolEntry] = []
        var bytes = 0
        var nextSequence = 0
    }

    /// Opens (or creates) the spool: creates the folders, deletes temporary files left by a
    /// crash, checks every entry (moving damaged ones aside), drops entries past the age
    /// limit and raises the boot counter.
    ///
    /// - Parameters:
    ///   - configuration: the folder and the limits.
    ///   - deviceID: the device id for keys (see ``EarshotWire/SegmentKey``).
    ///   - logger: where the spool logs; every line about an entry carries its `key`.
    ///   - now: the wall clock (injectable for tests of the age limit).
    /// - Throws: ``EdgeError`` with code ``EdgeError/Code/spoolUnwritable`` when the folder
    ///   cannot be created or written, ``EdgeError/Code/invalidConfiguration`` for a bad
    ///   device id or limit.
    public init(
        configuration: SpoolConfiguration, deviceID: String, logger: Logger = Logger(label: "earshot.spool"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        do {
            try SegmentKey.validate(deviceID: deviceID)
        } catch let error as WireError {
            throw EdgeError(.invalidConfiguration, error.location, error.reason)
        }
        guard configuration.maxBytes > 0, configuration.maxAge > 0 else {
            throw EdgeError(.invalidConfiguration, configuration.directory, "spool limits must be positive")
        }
        self.configuration = configuration
        self.deviceID = deviceID
        self.logger = logger
        self.now = now
        let directory = configuration.directory
        queueDirectory = directory + "/queue"
        corruptDirectory = directory + "/corrupt"
        deadLetterDirectory = directory + "/dead-letter"
        for folder in [directory, queueDirectory, corruptDirectory, deadLetterDirectory] {
            try DurableFiles.makeDirectories(folder)
        }
        for folder in [directory, queueDirectory] {
            for name in try DurableFiles.list(folder) where name.hasPrefix(DurableFiles.temporaryPrefix) {
                try DurableFiles.remove(folder + "/" + name)
                logger.warning("deleted a temporary file left by an interrupted write", metadata: ["file": "\(folder)/\(name)"])
            }
        }
        counterBox = LockedBox(DeliveryCounters())
        state = LockedBox(State())

        var found: [SpoolEntry] = []
        var damaged: [(String, String)] = []
        for name in try DurableFiles.list(queueDirectory) {
            let path = queueDirectory + "/" + name
            guard name.hasSuffix(SpoolEntryFormat.fileExtension),
                let key = try? SegmentKey(parsing: String(name.dropLast(SpoolEntryFormat.fileExtension.count)))
            else {
                damaged.append((name, "file name is not <key>\(SpoolEntryFormat.fileExtension)"))
                continue
            }
            do {
                guard let data = try DurableFiles.readFile(path) else { continue }
                let (metadata, spooledAt, _) = try SpoolEntryFormat.decode(data)
                guard metadata.key == key else {
                    throw SpoolDamage("metadata key \(metadata.key) differs from the file name")
                }
                found.append(SpoolEntry(key: key, byteCount: data.count, spooledAt: spooledAt))
            } catch {
                damaged.append((name, "\(error)"))
            }
        }
        let highestBoot = found.map(\.key.boot).max() ?? 0
        boot = try BootCounter.advance(in: directory, floor: highestBoot + 1)
        found.sort(by: SpoolEntry.deliveryOrder)
        state.withLock { state in
            state.entries = found
            state.bytes = found.reduce(0) { $0 + $1.byteCount }
        }
        for (name, reason) in damaged { moveAside(fileName: name, key: nil, reason: reason) }
        updateGauges()
        expire()
        logger.info(
            "spool opened",
            metadata: [
                "directory": "\(directory)", "boot": "\(boot)", "entries": "\(found.count)",
                "bytes": "\(state.withLock { $0.bytes })",
            ])
    }

    /// Makes the next key of this boot: `<device>.b<boot>.s<sequence>`, sequence from 0.
    public func makeKey() -> SegmentKey {
        let sequence = state.withLock { state in
            defer { state.nextSequence += 1 }
            return state.nextSequence
        }
        // The device id was validated at open and boot and sequence stay far below the limit.
        return try! SegmentKey(deviceID: deviceID, boot: boot, sequence: sequence)
    }

    /// Writes a segment durably into the queue; when this returns, the segment survives a crash.
    ///
    /// When the queue would exceed its byte limit, the oldest entries are dropped first
    /// (counted in ``DeliveryCounters/dropped`` and logged with their keys).
    ///
    /// - Parameters:
    ///   - metadata: the segment's metadata; its key must not be in the queue already.
    ///   - wav: the WAV body (16 kHz mono 16-bit, see ``EarshotWire/SegmentWAV``).
    /// - Returns: the new entry.
    /// - Throws: ``EdgeError`` with code ``EdgeError/Code/invalidSegment``,
    ///   ``EdgeError/Code/duplicateKey``, ``EdgeError/Code/entryTooLarge``,
    ///   ``EdgeError/Code/spoolUnwritable`` or ``EdgeError/Code/ioError``.
    @discardableResult
    public func enqueue(_ metadata: SegmentMetadata, wav: Data) throws -> SpoolEntry {
        do {
            try metadata.validate()
            _ = try SegmentWAV.inspect(wav)
        } catch let error as WireError {
            throw EdgeError(.invalidSegment, metadata.key.description, error.description)
        }
        let spooledAt = now()
        let data = try SpoolEntryFormat.encode(metadata: metadata, spooledAt: spooledAt, wav: wav)
        let entry = SpoolEntry(key: metadata.key, byteCount: data.count, spooledAt: spooledAt)
        let keyLogger = logger(for: metadata.key)
        guard data.count <= configuration.maxBytes else {
            counterBox.withLock { $0.dropped += 1 }
            keyLogger.error(
                "segment dropped: larger than the whole spool",
                metadata: ["bytes": "\(data.count)", "max_bytes": "\(configuration.maxBytes)"])
            throw EdgeError(
                .entryTooLarge, metadata.key.description,
                "entry of \(data.count) bytes exceeds the spool limit of \(configuration.maxBytes) bytes")
        }
        expire()
        try state.withLock { state in
            guard !state.entries.contains(where: { $0.key == entry.key }) else {
                throw EdgeError(.duplicateKey, entry.key.description, "a segment with this key is already in the spool")
            }
            while state.bytes + data.count > configuration.maxBytes, !state.entries.isEmpty {
                let oldest = state.entries.removeFirst()
                state.bytes -= oldest.byteCount
                _ = try? DurableFiles.remove(queueDirectory + "/" + oldest.fileName)
                counterBox.withLock { $0.dropped += 1 }
                logger(for: oldest.key).warning(
                    "spool full: dropped the oldest segment",
                    metadata: ["bytes": "\(oldest.byteCount)", "max_bytes": "\(configuration.maxBytes)"])
            }
            try DurableFiles.writeAtomically(data, directory: queueDirectory, name: entry.fileName)
            let index = state.entries.firstIndex { SpoolEntry.deliveryOrder(entry, $0) } ?? state.entries.endIndex
            state.entries.insert(entry, at: index)
            state.bytes += data.count
        }
        counterBox.withLock { $0.spooled += 1 }
        updateGauges()
        keyLogger.debug("segment spooled", metadata: ["bytes": "\(data.count)"])
        for observer in observers.withLock({ $0 }) { observer() }
        return entry
    }

    /// The entries waiting, oldest first.
    public func entries() -> [SpoolEntry] { state.withLock { $0.entries } }

    /// The oldest entry waiting, or nil when the queue is empty.
    public func oldest() -> SpoolEntry? { state.withLock { $0.entries.first } }

    /// Reads and checks the oldest entry that is whole, moving damaged ones aside on the way;
    /// nil when the queue is empty. Drops entries past the age limit first.
    public func nextSegment() -> SpooledSegment? {
        expire()
        while let entry = oldest() {
            if let segment = load(entry) { return segment }
        }
        return nil
    }

    /// Reads and checks one entry; nil when it is gone (dropped meanwhile) or damaged (then it
    /// is moved to `corrupt/` with a reason file, counted and logged).
    public func load(_ entry: SpoolEntry) -> SpooledSegment? {
        let path = queueDirectory + "/" + entry.fileName
        do {
            guard let data = try DurableFiles.readFile(path) else {
                forget(entry)
                return nil
            }
            let (metadata, _, wav) = try SpoolEntryFormat.decode(data)
            guard metadata.key == entry.key else { throw SpoolDamage("metadata key \(metadata.key) differs from the file name") }
            return SpooledSegment(entry: entry, metadata: metadata, wav: wav)
        } catch {
            moveAside(fileName: entry.fileName, key: entry.key, reason: "\(error)")
            return nil
        }
    }

    /// Deletes an entry the cloud accepted (2xx) and counts the upload.
    public func markDelivered(_ entry: SpoolEntry) {
        forget(entry)
        do {
            try DurableFiles.remove(queueDirectory + "/" + entry.fileName)
        } catch {
            logger(for: entry.key).error("cannot delete a delivered segment; it will be sent again", metadata: ["error": "\(error)"])
        }
        counterBox.withLock { $0.uploaded += 1 }
        updateGauges()
    }

    /// Moves an entry the cloud refused into `dead-letter/`, with `<name>.reason` holding the
    /// HTTP status and the server's reason, and counts it.
    public func moveToDeadLetters(_ entry: SpoolEntry, status: Int, reason: String) {
        forget(entry)
        let source = queueDirectory + "/" + entry.fileName
        let keyLogger = logger(for: entry.key)
        do {
            let name = try DurableFiles.moveWithoutReplacing(source, toDirectory: deadLetterDirectory, name: entry.fileName)
            let text = "\(WireTimestamp.format(now())) HTTP \(status): \(reason)\n"
            try DurableFiles.writeAtomically(Data(text.utf8), directory: deadLetterDirectory, name: name + ".reason")
            try DurableFiles.syncDirectory(queueDirectory)
        } catch {
            keyLogger.error("cannot move a refused segment to dead letters", metadata: ["error": "\(error)"])
        }
        counterBox.withLock { $0.deadLettered += 1 }
        updateGauges()
        keyLogger.error("segment refused by the cloud, kept as a dead letter", metadata: ["status": "\(status)", "reason": "\(reason)"])
    }

    /// Moves every dead letter back into the queue, for an operator who fixed what the cloud
    /// refused (a revoked token, a cloud that rejected a contract version). Entries that fail
    /// their check go to `corrupt/`; entries whose key is already queued stay where they are.
    ///
    /// - Returns: how many entries went back into the queue.
    @discardableResult
    public func requeueDeadLetters() throws -> Int {
        var requeued = 0
        for name in try DurableFiles.list(deadLetterDirectory) where name.hasSuffix(SpoolEntryFormat.fileExtension) {
            let path = deadLetterDirectory + "/" + name
            guard let data = try DurableFiles.readFile(path) else { continue }
            let entry: SpoolEntry
            do {
                let (metadata, spooledAt, _) = try SpoolEntryFormat.decode(data)
                entry = SpoolEntry(key: metadata.key, byteCount: data.count, spooledAt: spooledAt)
            } catch {
                logger.error("dead letter is damaged; left in place", metadata: ["file": "\(path)", "reason": "\(error)"])
                continue
            }
            let moved = try state.withLock { state -> Bool in
                guard !state.entries.contains(where: { $0.key == entry.key }),
                    !FileManager.default.fileExists(atPath: queueDirectory + "/" + entry.fileName)
                else { return false }
                guard rename(path, queueDirectory + "/" + entry.fileName) == 0 else {
                    throw EdgeError(.ioError, path, "cannot move back into the queue: \(DurableFiles.errnoText())")
                }
                let index = state.entries.firstIndex { SpoolEntry.deliveryOrder(entry, $0) } ?? state.entries.endIndex
                state.entries.insert(entry, at: index)
                state.bytes += entry.byteCount
                return true
            }
            guard moved else { continue }
            _ = try? DurableFiles.remove(path + ".reason")
            requeued += 1
            logger(for: entry.key).info("dead letter moved back into the queue")
        }
        if requeued > 0 {
            try DurableFiles.syncDirectory(queueDirectory)
            updateGauges()
            for observer in observers.withLock({ $0 }) { observer() }
        }
        return requeued
    }

    /// Drops entries older than the age limit (counted and logged); returns how many.
    @discardableResult
    public func expire() -> Int {
        let cutoff = now().addingTimeInterval(-configuration.maxAge)
        let expired = state.withLock { state -> [SpoolEntry] in
            let old = state.entries.filter { $0.spooledAt < cutoff }
            guard !old.isEmpty else { return [] }
            state.entries.removeAll { $0.spooledAt < cutoff }
            state.bytes -= old.reduce(0) { $0 + $1.byteCount }
            return old
        }
        for entry in expired {
            _ = try? DurableFiles.remove(queueDirectory + "/" + entry.fileName)
            logger(for: entry.key).warning(
                "dropped a segment older than the spool's age limit",
                metadata: ["spooled_at": "\(WireTimestamp.format(entry.spooledAt))", "max_age_s": "\(configuration.maxAge)"])
        }
        if !expired.isEmpty {
            counterBox.withLock { $0.dropped += expired.count }
            updateGauges()
        }
        return expired.count
    }

    /// The counters now (shared with the ``DeliveryLoop`` that drains this spool).
    public func counters() -> DeliveryCounters { counterBox.withLock { $0 } }

    /// Calls `observer` (on the enqueuing thread) after every successful ``enqueue(_:wav:)``.
    func addEnqueueObserver(_ observer: @escaping @Sendable () -> Void) {
        observers.withLock { $0.append(observer) }
    }

    func logger(for key: SegmentKey) -> Logger {
        var logger = logger
        logger[metadataKey: "key"] = "\(key)"
        return logger
    }

    private func forget(_ entry: SpoolEntry) {
        state.withLock { state in
            if let index = state.entries.firstIndex(where: { $0.key == entry.key }) {
                state.bytes -= state.entries.remove(at: index).byteCount
            }
        }
    }

    private func updateGauges() {
        let (bytes, count) = state.withLock { ($0.bytes, $0.entries.count) }
        counterBox.withLock {
            $0.spoolBytes = bytes
            $0.spoolEntries = count
        }
    }

    private func moveAside(fileName: String, key: SegmentKey?, reason: String) {
        if let key { forget(SpoolEntry(key: key, byteCount: 0, spooledAt: Date())) }
        var entryLogger = logger
        entryLogger[metadataKey: "key"] = "\(key?.description ?? "-")"
        do {
            let name = try DurableFiles.moveWithoutReplacing(
                queueDirectory + "/" + fileName, toDirectory: corruptDirectory, name: fileName)
            try DurableFiles.writeAtomically(
                Data("\(WireTimestamp.format(now())) \(reason)\n".utf8), directory: corruptDirectory, name: name + ".reason")
            try DurableFiles.syncDirectory(queueDirectory)
        } catch {
            entryLogger.error("cannot move a damaged spool entry aside", metadata: ["file": "\(fileName)", "error": "\(error)"])
        }
        counterBox.withLock { $0.corrupt += 1 }
        updateGauges()
        entryLogger.error("damaged spool entry moved to corrupt/", metadata: ["file": "\(fileName)", "reason": "\(reason)"])
    }
}
