/// Where the spool lives and how much it may hold.
public struct SpoolConfiguration: Sendable {
    /// The spool folder; it and its subfolders are created when missing.
    public var directory: String
    /// The most bytes of entries the queue holds; when a new segment does not fit, the oldest
    /// entries are dropped (counted and logged). Default 64 MB.
    public var maxBytes: Int
    /// The longest an entry waits; older entries are dropped (counted and logged). Default 7 days.
    public var maxAge: Double

    /// The default byte limit: 64 MiB.
    public static let defaultMaxBytes = 64 * 1024 * 1024
    /// The default age limit: 7 days, in seconds.
    public static let defaultMaxAge: Double = 7 * 24 * 3600

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - directory: the spool folder.
    ///   - maxBytes: the byte limit of the queue (default 64 MiB).
    ///   - maxAge: the age limit in seconds (default 7 days).
    public init(directory: String, maxBytes: Int = defaultMaxBytes, maxAge: Double = defaultMaxAge) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.maxAge = maxAge
    }
}
