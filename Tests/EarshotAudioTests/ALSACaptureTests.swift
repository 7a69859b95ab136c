import Foundation
import Testing

@testable import EarshotAudio

/// Real ALSA capture through the `file` PCM plugin: the plugin reads a raw recording as if
/// it were a microphone (its slave, `null`, keeps no time, so capture runs as fast as it is
/// read). Past the end of its file the plugin goes on delivering stale buffer contents.
enum ALSAFixture {
    /// Raw 16 kHz mono samples of a real recording.
    static let speech: [Int16] = try! AudioFileReader.readAll(path: TestSupport.speechRecording)
    /// Raw 48 kHz stereo 16-bit samples: a different tone on each side.
    static let stereo48k: [Int16] = (0..<48_000).flatMap { index -> [Int16] in
        let time = Double(index) / 48_000
        return [Int16(8_000 * sin(2 * .pi * 500 * time)), Int16(6_000 * sin(2 * .pi * 1_500 * time))]
    }

    /// Writes the recordings and the ALSA configuration text naming PCMs for them. Runs once.
    /// The text is handed to each capture (``ALSACapture/Configuration/extraConfiguration``),
    /// so no process-wide setting is touched and other suites can use ALSA at the same time.
    static let configurationText: String = {
        let directory = try! TestSupport.scratchDirectory()
        let speechPath = directory.appendingPathComponent("speech.raw")
        let stereoPath = directory.appendingPathComponent("stereo48k.raw")
        try! TestSupport.rawBytes(speech).write(to: speechPath)
        try! TestSupport.rawBytes(stereo48k).write(to: stereoPath)
        let configuration = """
            pcm.earshot_speech {
                type file
                slave.pcm "null"
                file "/dev/null"
                infile "\(speechPath.path)"
                format "raw"
            }
            pcm.earshot_stereo48k {
                type file
                slave.pcm "null"
                file "/dev/null"
                infile "\(stereoPath.path)"
                format "raw"
            }
            """
        return configuration
    }()

    static func open(_ configuration: ALSACapture.Configuration) throws -> ALSACapture {
        var configuration = configuration
        configuration.extraConfiguration = configurationText
        return try ALSACapture(configuration: configuration)
    }
}

@Suite(.serialized) struct ALSACaptureTests {
    @Test func capturedSamplesEqualTheRecording() throws {
        let capture = try ALSAFixture.open(.init(device: "earshot_speech"))
        #expect(capture.deviceFormat == .speech)
        var captured = [Int16](repeating: 0, count: ALSAFixture.speech.count)
        // Read in uneven pieces: the capture must not lose or repeat a sample at period edges.
        var offset = 0
        var size = 17
        while offset < captured.count {
            let end = min(captured.count, offset + size)
            let count = try captured.withUnsafeMutableBufferPointer {
                try capture.read(into: UnsafeMutableBufferPointer(rebasing: $0[offset..<end]))
            }
            #expect(count == end - offset)
            offset = end
            size = size * 7 % 997 + 1
        }
        #expect(captured == ALSAFixture.speech)
        #expect(capture.overrunCount == 0)

        // Past the end of its file the plugin keeps the device running: reads still return
        // full chunks (alsa-lib 1.2.8 repeats its last buffer contents rather than zeros).
        var tail = [Int16](repeating: 1, count: 1_000)
        #expect(try tail.withUnsafeMutableBufferPointer { try capture.read(into: $0) } == 1_000)
    }

    @Test func aDeviceInAnotherFormatIsConverted() throws {
        let capture = try ALSAFixture.open(.init(device: "earshot_stereo48k", deviceSampleRate: 48_000, deviceChannelCount: 2))
        #expect(capture.deviceFormat == WAVFormat(encoding: .pcm16, sampleRate: 48_000, channelCount: 2))
        var captured = [Int16](repeating: 0, count: 16_000)
        _ = try captured.withUnsafeMutableBufferPointer { try capture.read(into: $0) }

        // The same conversion done offline on the same samples: average, then resample.
        let mono = stride(from: 0, to: ALSAFixture.stereo48k.count, by: 2).map {
            (Float(ALSAFixture.stereo48k[$0]) + Float(ALSAFixture.stereo48k[$0 + 1])) / 2 / 32_768
        }
        var resampler = try Resampler(inputRate: 48_000, outputRate: 16_000)
        var expected: [Float] = []
        resampler.process(mono, into: &expected)
        let middle = 1_000..<15_000
        let worst = middle.map { abs(Int(captured[$0]) - Int(SampleDecoder.int16(expected[$0]))) }.max()!
        #expect(worst <= 1, "largest difference \(worst)")
    }

    @Test func anOverrunIsRecoveredAndCounted() throws {
        let capture = try ALSAFixture.open(.init(device: "earshot_speech", periodFrames: 160))
        var first = [Int16](repeating: 0, count: 160)
        _ = try first.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
        #expect(first == Array(ALSAFixture.speech[0..<160]))

        // The null slave keeps no time, so a real stall cannot overrun it: report the
        // overrun ALSA would (-EPIPE) and let snd_pcm_recover re-prepare the real device.
        capture.injectedReadError = -EPIPE
        var next = [Int16](repeating: 0, count: 160)
        let count = try next.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
        #expect(count == 160)
        #expect(capture.overrunCount == 1)
        #expect(next == Array(ALSAFixture.speech[160..<320]), "capture continues where the file left off")
    }

    @Test func anUnrecoverableErrorIsReported() throws {
        let capture = try ALSAFixture.open(.init(device: "earshot_speech"))
        capture.injectedReadError = -EIO
        var buffer = [Int16](repeating: 0, count: 160)
        do {
            _ = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            Issue.record("an I/O error must not be swallowed")
        } catch let error as AudioError {
            #expect(error.code == .deviceError)
            #expect(error.description.contains("earshot_speech"))
            #expect(error.description.contains("capture failed"))
        }
    }

    @Test func aBrokenExtraConfigurationIsAClearError() {
        #expect {
            try ALSACapture(configuration: .init(device: "earshot_speech", extraConfiguration: "pcm.broken { type file "))
        } throws: { error in
            "\(error)".contains("earshot_speech") && "\(error)".contains("does not parse")
        }
    }

    @Test(arguments: ["hw:97,0", "plughw:98,0", "earshot_no_such_device"])
    func aMissingDeviceSaysSo(device: String) throws {
        do {
            _ = try ALSAFixture.open(.init(device: device))
            Issue.record("\(device) opened")
        } catch let error as AudioError {
            #expect(error.code == .deviceNotFound, "\(error)")
            #expect(error.description.hasPrefix(device))
            #expect(error.description.contains("cannot open for capture"))
        }
    }

    @Test func captureThreadDeliversEverySampleOffThePool() throws {
        let capture = try ALSAFixture.open(.init(device: "earshot_speech"))
        let collected = Collected()
        let target = ALSAFixture.speech.count
        let loop = CaptureThread(source: capture, chunkSize: 160) { chunk in
            collected.append(chunk)
            return collected.count < target
        }
        try loop.start()
        #expect(loop.wait() == nil)
        let samples = collected.samples
        #expect(Array(samples.prefix(target)) == ALSAFixture.speech)
        #expect(collected.threads.count == 1)
        #expect(collected.threads.first != pthread_self())
    }

    @Test func stopEndsACaptureThatNeverEnds() throws {
        let capture = try ALSAFixture.open(.init(device: "earshot_speech"))
        let collected = Collected()
        let loop = CaptureThread(source: capture) { chunk in
            collected.append(chunk)
            return true
        }
        try loop.start()
        while collected.count < 32_000 { usleep(1_000) }
        loop.stop()
        #expect(loop.wait() == nil)
    }
}

/// Samples handed over by a capture thread, and the threads that handed them.
private final class Collected: @unchecked Sendable {
    // Invariant: every field is read and written under `lock`.
    private let lock = NSLock()
    private var storage: [Int16] = []
    private var seenThreads: Set<pthread_t> = []

    func append(_ chunk: UnsafeBufferPointer<Int16>) {
        lock.withLock {
            storage.append(contentsOf: chunk)
            seenThreads.insert(pthread_self())
        }
    }
    var count: Int { lock.withLock { storage.count } }
    var samples: [Int16] { lock.withLock { storage } }
    var threads: Set<pthread_t> { lock.withLock { seenThreads } }
}
