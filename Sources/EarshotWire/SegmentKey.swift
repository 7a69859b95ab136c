/// The name of one segment, unique per device and never reused, even across restarts.
///
/// A key is `<device>.b<boot>.s<sequence>`, for example `kitchen-pi.b000042.s000017`:
///
/// - `device`: 1 to 64 characters from `A-Z a-z 0-9 - _`, starting with a letter or digit;
/// - `boot`: a counter persisted on the device and raised at every start of the agent
///   (the spool keeps it), printed with at least 6 digits;
/// - `sequence`: the segment's number within that boot, from 0, at least 6 digits.
///
/// The key travels as the URL path component of the upload, as its `Idempotency-Key`, in every
/// log line and in the cloud's answer. It uses only URL-safe characters, so it never needs
/// escaping. Keys compare and sort by device, then boot, then sequence, so that sorting puts
/// one device's segments in the order they were made.
public struct SegmentKey: Hashable, Sendable, Comparable, CustomStringConvertible, LosslessStringConvertible, Codable {
    /// The longest device id a key accepts.
    public static let maxDeviceIDLength = 64
    /// The largest boot or sequence number a key accepts (12 decimal digits).
    public static let maxCounter = 999_999_999_999

    /// The device that made the segment.
    public let deviceID: String
    /// The device's boot counter when the segment was made.
    public let boot: Int
    /// The segment's number within that boot.
    public let sequence: Int

    /// Creates a key from its parts.
    ///
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidDeviceID`` or
    ///   ``WireError/Code/invalidKey`` when a part breaks the grammar.
    public init(deviceID: String, boot: Int, sequence: Int) throws {
        try Self.validate(deviceID: deviceID)
        guard (0...Self.maxCounter).contains(boot) else {
            throw WireError(.invalidKey, "boot \(boot)", "boot counter must be in 0...\(Self.maxCounter)")
        }
        guard (0...Self.maxCounter).contains(sequence) else {
            throw WireError(.invalidKey, "sequence \(sequence)", "sequence must be in 0...\(Self.maxCounter)")
        }
        self.deviceID = deviceID
        self.boot = boot
        self.sequence = sequence
    }

    /// Parses a key printed by ``description``.
    ///
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidKey`` naming the string.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw WireError(.invalidKey, "key '\(Self.printable(text))'", "expected <device>.b<boot>.s<sequence>")
        }
        guard let boot = Self.counter(parts[1], prefix: "b"), let sequence = Self.counter(parts[2], prefix: "s") else {
            throw WireError(
                .invalidKey, "key '\(Self.printable(text))'",
                "boot and sequence must be 'b' and 's' followed by 6 to 12 decimal digits")
        }
        do {
            try self.init(deviceID: String(parts[0]), boot: boot, sequence: sequence)
        } catch let error as WireError {
            throw WireError(.invalidKey, "key '\(Self.printable(text))'", error.reason)
        }
    }

    /// Parses a key; nil when `description` is not a valid key.
    public init?(_ description: String) {
        guard let key = try? SegmentKey(parsing: description) else { return nil }
        self = key
    }

    /// The key as text: `<device>.b<boot, 6+ digits>.s<sequence, 6+ digits>`.
    public var description: String {
        "\(deviceID).b\(Self.padded(boot)).s\(Self.padded(sequence))"
    }

    /// Checks that `deviceID` may start a key.
    ///
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidDeviceID`` saying which rule it breaks.
    public static func validate(deviceID: String) throws {
        let bytes = Array(deviceID.utf8)
        guard !bytes.isEmpty, bytes.count <= maxDeviceIDLength else {
            throw WireError(
                .invalidDeviceID, "device id '\(printable(deviceID))'", "must be 1 to \(maxDeviceIDLength) characters long")
        }
        guard isAlphanumeric(bytes[0]) else {
            throw WireError(.invalidDeviceID, "device id '\(printable(deviceID))'", "must start with a letter or digit")
        }
        for byte in bytes where !(isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")) {
            throw WireError(
                .invalidDeviceID, "device id '\(printable(deviceID))'",
                "may hold only letters A-Z a-z, digits, '-' and '_'")
        }
    }

    /// Orders by device id, then boot, then sequence.
    public static func < (lhs: SegmentKey, rhs: SegmentKey) -> Bool {
        (lhs.deviceID, lhs.boot, lhs.sequence) < (rhs.deviceID, rhs.boot, rhs.sequence)
    }

    /// Decodes a key from its text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch let error as WireError {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the key as its text form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func counter(_ part: Substring, prefix: Character) -> Int? {
        guard part.first == prefix else { return nil }
        let digits = part.dropFirst()
        guard (6...12).contains(digits.count), digits.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int(digits)
    }

    private static func padded(_ value: Int) -> String {
        let digits = String(value)
        return digits.count >= 6 ? digits : String(repeating: "0", count: 6 - digits.count) + digits
    }

    /// The text shortened and with control characters replaced, safe to put in a message.
    static func printable(_ text: String) -> String {
        let clipped = text.count > 80 ? String(text.prefix(80)) + "…" : text
        return String(String.UnicodeScalarView(clipped.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }
}
