#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the agent has done so far: the periodic status line and `status.json`.
public struct AgentStatus: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Seconds of audio heard.
    public var audioSeconds: Double = 0
    /// 10 ms frames heard.
    public var frames = 0
    /// Capture overruns recovered from.
    public var overruns = 0
    /// Wake-word detections.
    public var triggers = 0
    /// Segments written into the spool (durably, by the spool writer thread).
    public var segments = 0
    /// The spool's and uploader's counters.
    public var delivery = DeliveryCounters()

    /// Creates an empty status.
    public init() {}

    public var description: String {
        PrintfFormat.string(
            "audio %.1f s, frames %ld, overruns %ld, triggers %ld, segments %ld, spooled %ld, uploaded %ld, retried %ld, dropped %ld, dead-lettered %ld, spool %ld bytes",
            audioSeconds, frames, overruns, triggers, segments, delivery.spooled, delivery.uploaded, delivery.retried,
            delivery.dropped, delivery.deadLettered, delivery.spoolBytes)
    }
}
