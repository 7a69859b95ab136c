import EarshotWire
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One segment waiting in the spool, as the spool's index knows it (the audio stays on disk).
public struct SpoolEntry: Hashable, Sendable {
    /// The segment's key; the entry's file is `queue/<key>.seg`.
    public var key: SegmentKey
    /// Bytes of the entry file.
    public var byteCount: Int
    /// When the segment was written to the spool (the age limit counts from here).
    public var spooledAt: Date

    /// Creates an index entry.
    public init(key: SegmentKey, byteCount: Int, spooledAt: Date) {
        self.key = key
        self.byteCount = byteCount
        self.spooledAt = spooledAt
    }

    /// The entry file's name inside the queue folder.
    public var fileName: String { key.description + SpoolEntryFormat.fileExtension }

    /// Delivery order: by boot, then sequence, then device id, so that the oldest comes first
    /// even when the device id was renamed between boots.
    static func deliveryOrder(_ lhs: SpoolEntry, _ rhs: SpoolEntry) -> Bool {
        (lhs.key.boot, lhs.key.sequence, lhs.key.deviceID) < (rhs.key.boot, rhs.key.sequence, rhs.key.deviceID)
    }
}

/// A segment read back from the spool, checked and ready to upload.
public struct SpooledSegment: Sendable {
    /// The index entry.
    public var entry: SpoolEntry
    /// The segment's metadata.
    public var metadata: SegmentMetadata
    /// The WAV body to upload.
    public var wav: Data

    /// Creates a loaded segment.
    public init(entry: SpoolEntry, metadata: SegmentMetadata, wav: Data) {
        self.entry = entry
        self.metadata = metadata
        self.wav = wav
    }
}
