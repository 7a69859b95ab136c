import CALSA

#if canImport(Glibc)
    import Glibc
#endif

/// Captures microphone audio through ALSA and delivers it as 16 kHz mono 16-bit samples.
///
/// The capture asks the device for ``Configuration/deviceSampleRate`` Hz,
/// ``Configuration/deviceChannelCount`` channels and 16-bit samples; a device that offers
/// something else (a `hw:` device that only runs at 48 kHz in stereo, 32-bit) is captured as
/// it is and converted: channels averaged, other sample formats decoded, the rate resampled.
/// Overruns are recovered with `snd_pcm_recover` and counted in ``overrunCount``.
///
/// `read(into:)` blocks until a period has arrived; call it from a thread of its own
/// (``CaptureThread``), never from the Swift concurrency pool.
public final class ALSACapture: SampleSource {
    /// What to open and how to ask for it.
    public struct Configuration: Sendable, Equatable {
        /// The PCM name: `default`, `hw:1,0`, `plughw:1,0`, or a name from the ALSA configuration.
        public var device: String
        /// The rate to ask the device for; the nearest it supports is used.
        public var deviceSampleRate: Int
        /// The channel count to ask the device for; the nearest it supports is used.
        public var deviceChannelCount: Int
        /// Frames per ALSA period, the unit each read waits for (default 20 ms at 16 kHz).
        public var periodFrames: Int
        /// Periods in the device buffer; more periods tolerate longer stalls before an overrun.
        public var periodCount: Int
        /// ALSA configuration text (PCM definitions, as in `~/.asoundrc`) added on top of the
        /// system's for this capture only; nil uses the system's configuration as it is.
        public var extraConfiguration: String?

        /// Creates a configuration; the defaults ask for what the edge pipeline consumes.
        public init(
            device: String = "default",
            deviceSampleRate: Int = 16_000,
            deviceChannelCount: Int = 1,
            periodFrames: Int = 320,
            periodCount: Int = 8,
            extraConfiguration: String? = nil
        ) {
            self.device = device
            self.deviceSampleRate = deviceSampleRate
            self.deviceChannelCount = deviceChannelCount
            self.periodFrames = periodFrames
            self.periodCount = periodCount
            self.extraConfiguration = extraConfiguration
        }
    }

    /// The rate of the samples delivered: always 16 kHz.
    public let sampleRate = 16_000
    /// The configuration the capture was opened with.
    public let configuration: Configuration
    /// The format the device actually delivers.
    public let deviceFormat: WAVFormat
    /// Overruns seen and recovered from since opening.
    public private(set) var overrunCount = 0
    /// Device frames read since opening.
    public private(set) var deviceFramesRead = 0

    /// A fault to report from the next read instead of calling ALSA (tests only).
    var injectedReadError: Int32?

    private var pcm: OpaquePointer?
    private let periodFrames: Int
    private var periodBytes: [UInt8]
    private var resampler: Resampler
    private var decoded: [Float] = []
    private var resampled: [Float] = []
    private var converted: [Int16] = []
    private var convertedOffset = 0

    /// Opens and configures a capture device.
    ///
    /// - Throws: ``AudioError`` with `deviceNotFound` when the name resolves to no device,
    ///   `deviceBusy` when another program holds it, `deviceError` when it refuses every
    ///   supported configuration.
    public init(configuration: Configuration = Configuration()) throws {
        guard configuration.deviceSampleRate > 0, configuration.deviceChannelCount > 0,
            configuration.periodFrames > 0, configuration.periodCount >= 2
        else {
            throw AudioError(.invalidArgument, configuration.device, "invalid capture configuration \(configuration)")
        }
        earshot_alsa_silence_library_errors()
        let name = configuration.device
        var handle: OpaquePointer?
        let opened: Int32
        if let text = configuration.extraConfiguration {
            let local = try Self.configuration(adding: text, device: name)
            defer { snd_config_delete(local) }
            opened = snd_pcm_open_lconf(&handle, name, SND_PCM_STREAM_CAPTURE, 0, local)
        } else {
            opened = snd_pcm_open(&handle, name, SND_PCM_STREAM_CAPTURE, 0)
        }
        guard opened >= 0, let handle else {
            throw Self.openError(opened, device: name)
        }
        do {
            let negotiated = try Self.configure(handle, configuration)
            self.pcm = handle
            self.configuration = configuration
            self.deviceFormat = negotiated.format
            self.periodFrames = negotiated.periodFrames
            self.periodBytes = [UInt8](repeating: 0, count: negotiated.periodFrames * negotiated.format.bytesPerFrame)
            self.resampler = try Resampler(inputRate: negotiated.format.sampleRate, outputRate: 16_000)
        } catch {
            snd_pcm_close(handle)
            throw error
        }
    }

    deinit { close() }

    /// Stops capturing and releases the device. Reads after closing return 0.
    public func close() {
        if let pcm { snd_pcm_close(pcm) }
        pcm = nil
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws -> Int {
        var written = 0
        while written < buffer.count {
            if convertedOffset == converted.count {
                guard try capturePeriod() else { break }
                continue
            }
            let count = min(buffer.count - written, converted.count - convertedOffset)
            converted.withUnsafeBufferPointer {
                _ = UnsafeMutableBufferPointer(rebasing: buffer[written..<(written + count)])
                    .initialize(from: $0[convertedOffset..<(convertedOffset + count)])
            }
            written += count
            convertedOffset += count
        }
        return written
    }

    /// Reads one period from the device into `converted`; false once closed.
    private func capturePeriod() throws -> Bool {
        guard let pcm else { return false }
        while true {
            let result: Int
            if let fault = injectedReadError {
                injectedReadError = nil
                result = Int(fault)
            } else {
                result = periodBytes.withUnsafeMutableBytes {
                    Int(snd_pcm_readi(pcm, $0.baseAddress, snd_pcm_uframes_t(periodFrames)))
                }
            }
            if result < 0 {
                let code = Int32(result)
                if code == -EPIPE { overrunCount += 1 }
                let recovered = snd_pcm_recover(pcm, code, 1)
                guard recovered >= 0 else {
                    throw AudioError(
                        .deviceError, configuration.device,
                        "capture failed: \(Self.describe(code)); recovery failed: \(Self.describe(recovered))")
                }
                continue
            }
            guard result > 0 else { continue }
            deviceFramesRead += result
            converted.removeAll(keepingCapacity: true)
            convertedOffset = 0
            periodBytes.withUnsafeBytes { raw in
                let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<(result * deviceFormat.bytesPerFrame)])
                if deviceFormat == .speech {
                    // What the pipeline consumes already (S16_LE on a little-endian host): copy it through.
                    converted.append(contentsOf: repeatElement(0, count: result))
                    converted.withUnsafeMutableBytes { $0.copyMemory(from: bytes) }
                    return
                }
                decoded.removeAll(keepingCapacity: true)
                resampled.removeAll(keepingCapacity: true)
                SampleDecoder.appendMono(bytes, encoding: deviceFormat.encoding, channelCount: deviceFormat.channelCount, to: &decoded)
                resampler.process(decoded, into: &resampled)
                for sample in resampled { converted.append(SampleDecoder.int16(sample)) }
            }
            return true
        }
    }

    // MARK: Configuration

    private static let formatPreference: [(snd_pcm_format_t, WAVFormat.Encoding)] = [
        (SND_PCM_FORMAT_S16_LE, .pcm16),
        (SND_PCM_FORMAT_S32_LE, .pcm32),
        (SND_PCM_FORMAT_FLOAT_LE, .float32),
        (SND_PCM_FORMAT_S24_3LE, .pcm24),
        (SND_PCM_FORMAT_U8, .pcmUnsigned8),
    ]

    private static func configure(
        _ pcm: OpaquePointer,
        _ configuration: Configuration
    ) throws -> (format: WAVFormat, periodFrames: Int) {
        let device = configuration.device
        var params: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&params) == 0, let params else {
            throw AudioError(.deviceError, device, "out of memory for hardware parameters")
        }
        defer { snd_pcm_hw_params_free(params) }

        func check(_ result: Int32, _ step: String) throws {
            guard result >= 0 else {
                throw AudioError(.deviceError, device, "\(step): \(describe(result))")
            }
        }
        try check(snd_pcm_hw_params_any(pcm, params), "no capture configuration available")
        try check(snd_pcm_hw_params_set_access(pcm, params, SND_PCM_ACCESS_RW_INTERLEAVED), "interleaved access not supported")
        guard let (alsaFormat, encoding) = formatPreference.first(where: { snd_pcm_hw_params_test_format(pcm, params, $0.0) == 0 }) else {
            throw AudioError(.deviceError, device, "offers none of S16_LE, S32_LE, FLOAT_LE, S24_3LE, U8")
        }
        try check(snd_pcm_hw_params_set_format(pcm, params, alsaFormat), "cannot set sample format")
        var channels = UInt32(configuration.deviceChannelCount)
        try check(snd_pcm_hw_params_set_channels_near(pcm, params, &channels), "cannot set \(configuration.deviceChannelCount) channels")
        var rate = UInt32(configuration.deviceSampleRate)
        var direction: Int32 = 0
        try check(
            snd_pcm_hw_params_set_rate_near(pcm, params, &rate, &direction), "cannot set a rate near \(configuration.deviceSampleRate) Hz")
        var period = snd_pcm_uframes_t(configuration.periodFrames)
        try check(
            snd_pcm_hw_params_set_period_size_near(pcm, params, &period, &direction),
            "cannot set a period of \(configuration.periodFrames) frames")
        var bufferSize = period * snd_pcm_uframes_t(configuration.periodCount)
        try check(snd_pcm_hw_params_set_buffer_size_near(pcm, params, &bufferSize), "cannot set a buffer of \(bufferSize) frames")
        try check(snd_pcm_hw_params(pcm, params), "hardware parameters refused")
        try check(snd_pcm_prepare(pcm), "cannot prepare the device")
        let format = WAVFormat(encoding: encoding, sampleRate: Int(rate), channelCount: Int(channels))
        return (format, Int(period))
    }

    /// The system's configuration with `text` loaded on top: a private tree, so that tests and
    /// tools can define devices without touching the process-wide `ALSA_CONFIG_PATH`.
    private static func configuration(adding text: String, device: String) throws -> OpaquePointer {
        var top: OpaquePointer?
        guard snd_config_update_ref(&top) >= 0, let top else {
            throw AudioError(.deviceError, device, "cannot read the system's ALSA configuration")
        }
        defer { snd_config_unref(top) }
        var copy: OpaquePointer?
        guard snd_config_copy(&copy, top) >= 0, let copy else {
            throw AudioError(.deviceError, device, "cannot copy the ALSA configuration")
        }
        var input: OpaquePointer?
        let loaded = text.withCString { bytes -> Int32 in
            guard snd_input_buffer_open(&input, bytes, strlen(bytes)) >= 0, let input else { return -ENOMEM }
            defer { snd_input_close(input) }
            return snd_config_load(copy, input)
        }
        guard loaded >= 0 else {
            snd_config_delete(copy)
            throw AudioError(.deviceError, device, "the extra ALSA configuration does not parse: \(describe(loaded))")
        }
        return copy
    }

    private static func openError(_ code: Int32, device: String) -> AudioError {
        let reason = "cannot open for capture: \(describe(code))"
        switch -code {
        case EBUSY, EAGAIN:
            return AudioError(.deviceBusy, device, reason + " (another program is using it)")
        case ENOENT, ENODEV, ENXIO, EINVAL:  // EINVAL: a card index or name that does not exist
            return AudioError(.deviceNotFound, device, reason + " (`arecord -L` lists the devices)")
        default:
            return AudioError(.deviceError, device, reason)
        }
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: snd_strerror(code))
    }
}
