/// Tries one upload of a spooled segment. ``CurlUploader`` is the real one.
///
/// ``upload(_:)`` blocks and is called by one thread at a time (the ``DeliveryLoop``'s own
/// thread); ``cancel()`` may be called from any thread.
public protocol SegmentUploader: AnyObject, Sendable {
    /// Sends `segment` once and says what became of it.
    func upload(_ segment: SpooledSegment) -> UploadOutcome
    /// Makes the upload in progress, and every later one, give up at once (for shutdown).
    func cancel()
}
