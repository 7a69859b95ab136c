/// A snapshot of the delivery half's counters, taken at one instant.
///
/// Counts run from the start of the process; `spoolBytes` and `spoolEntries` are the spool's
/// size now.
public struct DeliveryCounters: Hashable, Sendable, CustomStringConvertible {
    /// Segments written to the spool.
    public var spooled = 0
    /// Segments the cloud answered with 2xx (and that left the spool).
    public var uploaded = 0
    /// Upload attempts that failed and will be tried again (network errors, 429, 5xx).
    public var retried = 0
    /// Segments dropped by the spool's limits (oldest first when full, and too old).
    public var dropped = 0
    /// Segments the cloud refused with a 4xx other than 429, moved to `dead-letter/`.
    public var deadLettered = 0
    /// Spool entries found torn or damaged, moved to `corrupt/`.
    public var corrupt = 0
    /// Bytes of the entries in the spool's queue now.
    public var spoolBytes = 0
    /// Entries in the spool's queue now.
    public var spoolEntries = 0

    /// Creates zero counters.
    public init() {}

    /// `spooled=3 uploaded=2 retried=1 dropped=0 dead_lettered=0 corrupt=0 spool_bytes=… spool_entries=1`.
    public var description: String {
        "spooled=\(spooled) uploaded=\(uploaded) retried=\(retried) dropped=\(dropped) dead_lettered=\(deadLettered) "
            + "corrupt=\(corrupt) spool_bytes=\(spoolBytes) spool_entries=\(spoolEntries)"
    }
}
