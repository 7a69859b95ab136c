import EarshotWire

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The device's boot counter, the middle part of every ``EarshotWire/SegmentKey``: a number in
/// the file `<spool>/boot-counter`, raised by one at every start of the agent and written
/// atomically (temporary file, fsync, rename, fsync of the folder) before any key of the new
/// boot is handed out, so that no key is ever made twice, whatever moment a crash hits.
public enum BootCounter {
    /// The counter file's name inside the spool folder.
    public static let fileName = "boot-counter"

    /// Reads the stored counter in `directory`; nil when there is none yet.
    ///
    /// - Throws: ``EdgeError`` with code ``EdgeError/Code/corruptEntry`` when the file does not
    ///   hold a number, or ``EdgeError/Code/ioError`` when it cannot be read.
    public static func current(in directory: String) throws -> Int? {
        let path = directory + "/" + fileName
        guard let data = try DurableFiles.readFile(path, limit: 64) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingSpacesAndNewlines()
        guard let value = Int(text), value >= 0 else {
            throw EdgeError(.corruptEntry, path, "does not hold a boot number: '\(text.prefix(20))'")
        }
        return value
    }

    /// Raises the counter in `directory` by one (to at least `floor`), stores it durably and
    /// returns the new value. A missing file counts as 0, so the first boot is 1. A damaged one
    /// (only a failing disk can make one, the writes being atomic) restarts from the larger of
    /// `floor` (the caller passes one more than any boot it still sees) and the minutes since
    /// 1970, which a restarted counter has not reached before if the clock is right.
    ///
    /// - Throws: ``EdgeError`` with code ``EdgeError/Code/spoolUnwritable`` or
    ///   ``EdgeError/Code/ioError`` when the new value cannot be stored.
    public static func advance(in directory: String, floor: Int = 1) throws -> Int {
        var floor = floor
        let previous: Int?
        do {
            previous = try current(in: directory)
        } catch {
            previous = nil
            floor = max(floor, Int(Date().timeIntervalSince1970 / 60))
        }
        let next = max((previous ?? 0) + 1, floor)
        try DurableFiles.writeAtomically(Data("\(next)\n".utf8), directory: directory, name: fileName)
        return next
    }
}
