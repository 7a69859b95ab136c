import EarshotAudio
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

/// The offline edge agent: audio in, wake words detected, segments cut, spooled and sent.
///
/// ``run(source:shouldStop:)`` reads the source on the calling thread (give it a thread of
/// its own: the executable's main thread, never the Swift concurrency pool), runs every
/// sample through the ``DetectionPipeline`` and the ``Segmenter``, and hands each finished
/// segment to a writer thread that puts it in the ``Spool`` (durably, before anything else
/// happens to it), so reading never waits for the disk. A ``DeliveryLoop`` on its own thread
/// uploads the spool, oldest first. Every log line about a segment carries its key.
public final class EdgeAgent {
    /// The configuration the agent runs with.
    public let configuration: AgentConfiguration
    /// The on-disk queue.
    public let spool: Spool
    /// The detection half.
    public let pipeline: DetectionPipeline

    private let segmenter: Segmenter
    private let delivery: DeliveryLoop?
    private let logger: Logger
    private var status = AgentStatus()
    private var spoolWriter: SpoolWriter?
    private let statusPath: String

    /// Loads the models, opens the spool and prepares the uploader.
    ///
    /// - Throws: ``EdgeError`` for a bad configuration, model, spool folder or token file.
    public init(configuration: AgentConfiguration, logger: Logger = Logger(label: "earshot.edge")) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let cards = try configuration.models.map { try DetectorModelCard.load(path: $0, fastCutoff: configuration.fastCutoff) }
        pipeline = try DetectionPipeline(cards: cards)
        segmenter = Segmenter(
            settings: .init(
                preRoll: configuration.preRoll, trailingSilence: configuration.trailingSilence,
                maximumLength: configuration.maxSegmentLength, commandTimeout: configuration.commandTimeout))
        spool = try Spool(
            configuration: SpoolConfiguration(
                directory: configuration.spoolDirectory, maxBytes: configuration.spoolMaxBytes, maxAge: configuration.spoolMaxAge),
            deviceID: configuration.deviceID, logger: logger)
        statusPath = configuration.spoolDirectory + "/status.json"
        if let url = configuration.cloudURL, let tokenFile = configuration.tokenFile {
            let uploader = try CurlUploader(
                configuration: UploaderConfiguration(
                    baseURL: url, tokenFile: tokenFile, connectTimeout: configuration.connectTimeout,
                    requestTimeout: configuration.requestTimeout, verifyTLS: configuration.verifyTLS, caFile: configuration.caFile,
                    clientCertificate: configuration.clientCertificate, clientKey: configuration.clientKey),
                logger: logger)
            delivery = DeliveryLoop(spool: spool, uploader: uploader, logger: logger)
        } else {
            delivery = nil
        }
        for card in cards {
            logger.info(
                "model loaded", metadata: ["model": "\(card.name)", "version": "\(card.version)", "cutoff": "\(card.probabilityCutoff)"])
        }
    }

    /// What the agent has done so far.
    public func currentStatus() -> AgentStatus {
        var snapshot = status
        snapshot.segments += spoolWriter?.writtenCount ?? 0
        snapshot.delivery = spool.counters()
        return snapshot
    }

    /// Listens to `source` until it ends or `shouldStop` returns true, then closes the
    /// segment in hand, and (for a source that ended) waits up to the drain time-out for
    /// the spool to empty. Uploads start at once and go on while it listens.
    ///
    /// - Parameters:
    ///   - source: 16 kHz mono audio (ALSA capture, a file, standard input).
    ///   - startTime: the wall-clock time of the source's first sample.
    ///   - duration: seconds of audio after which the input counts as ended (nil: until it ends).
    ///   - shouldStop: polled between reads (every 10–20 ms); true ends the run cleanly.
    public func run(
        source: any SampleSource, startTime: Date = Date(), duration: Double? = nil, shouldStop: () -> Bool = { false }
    ) throws {
        delivery?.start()
        defer { delivery?.stop() }
        let writer = SpoolWriter(spool: spool, logger: logger)
        spoolWriter = writer
        defer {
            try? writer.finish()
            status.segments += writer.writtenCount
            spoolWriter = nil
        }
        var chunk = [Int16](repeating: 0, count: 320)
        var nextStatus = Date().addingTimeInterval(configuration.statusInterval)
        var ended = false
        while !shouldStop() {
            try writer.checkFailure()
            let count = try chunk.withUnsafeMutableBufferPointer { try source.read(into: $0) }
            if count == 0 || (duration.map { status.audioSeconds >= $0 } ?? false) {
                ended = true
                break
            }
            try chunk.withUnsafeBufferPointer { buffer in
                let samples = UnsafeBufferPointer(rebasing: buffer[0..<count])
                for segment in segmenter.append(samples) { spoolSegment(segment, startTime: startTime, writer: writer) }
                try pipeline.process(samples) { event in
                    status.triggers += 1
                    logger.info(
                        "wake word",
                        metadata: [
                            "model": "\(event.label)", "score": "\(event.score)",
                            "time_s": "\(PrintfFormat.string("%.2f", event.timeSeconds))",
                        ])
                    segmenter.trigger(event)
                }
            }
            status.audioSeconds += Double(count) / 16_000
            status.frames = Int(status.audioSeconds * 100)
            if let capture = source as? ALSACapture { status.overruns = capture.overrunCount }
            if Date() >= nextStatus {
                reportStatus()
                nextStatus = Date().addingTimeInterval(configuration.statusInterval)
            }
        }
        if let segment = segmenter.finish() { spoolSegment(segment, startTime: startTime, writer: writer) }
        try writer.finish()
        if ended, let delivery, configuration.drainTimeout > 0, !spool.entries().isEmpty {
            logger.info("input ended; waiting for the spool to drain", metadata: ["entries": "\(spool.entries().count)"])
            if !delivery.waitUntilDrained(timeout: configuration.drainTimeout) {
                logger.warning("spool not drained; the rest goes on the next run", metadata: ["entries": "\(spool.entries().count)"])
            }
        }
        reportStatus()
    }

    private func spoolSegment(_ segment: CapturedSegment, startTime: Date, writer: SpoolWriter) {
        let key = spool.makeKey()
        let model = pipeline.models.first { $0.card.name == segment.event.label }?.card
        let metadata = SegmentMetadata(
            key: key, wakeWord: segment.event.label, score: segment.event.score,
            model: ModelReference(name: segment.event.label, version: model?.version ?? "unknown"),
            captureStart: startTime.addingTimeInterval(Double(segment.startSample) / 16_000),
            captureEnd: startTime.addingTimeInterval(Double(segment.endSample) / 16_000))
        writer.submit(
            metadata, samples: segment.samples,
            logMetadata: ["seconds": "\(PrintfFormat.string("%.2f", segment.duration))", "end": "\(segment.endReason.rawValue)"])
    }

    private func reportStatus() {
        let snapshot = currentStatus()
        logger.info("status: \(snapshot)")
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let temporary = statusPath + ".tmp"
            try encoder.encode(snapshot).write(to: URL(fileURLWithPath: temporary))
            _ = rename(temporary, statusPath)
        } catch {
            logger.warning("cannot write the status file", metadata: ["file": "\(statusPath)", "error": "\(error)"])
        }
    }
}
