/// Thrown by ``FeatureFrontend/init(configuration:)`` when a ``FrontendConfiguration`` cannot
/// describe a working frontend. ``description`` says which parameter and why.
public struct FrontendConfigurationError: Error, Hashable, CustomStringConvertible {
    enum Code: Hashable {
        case framing
        case filterbank
        case noiseReduction
        case gainControl
        case logScale
    }

    private let code: Code
    /// What is wrong, naming the parameter and its value.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The window or step does not fit the sample rate.
    public static let framing = FrontendConfigurationError(.framing, "")
    /// The channel count or band limits do not give a usable filterbank.
    public static let filterbank = FrontendConfigurationError(.filterbank, "")
    /// A noise-reduction parameter is out of range.
    public static let noiseReduction = FrontendConfigurationError(.noiseReduction, "")
    /// A gain-control parameter is out of range.
    public static let gainControl = FrontendConfigurationError(.gainControl, "")
    /// A log-scale parameter is out of range.
    public static let logScale = FrontendConfigurationError(.logScale, "")

    /// Whether two errors are of the same kind, whatever their messages:
    /// `error ~= FrontendConfigurationError.filterbank`.
    public static func ~= (pattern: Self, value: Self) -> Bool { pattern.code == value.code }

    public var description: String { "invalid frontend configuration: \(message)" }
}
