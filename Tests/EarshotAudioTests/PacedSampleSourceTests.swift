import Foundation
import Testing

@testable import EarshotAudio

@Suite struct PacedSampleSourceTests {
    @Test func pacedDeliveryTakesRealTimeAndKeepsEverySample() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("quarter.wav").path
        let samples = (0..<4_000).map { Int16(truncatingIfNeeded: $0 &* 31) }  // 250 ms
        try WAVWriter.write(samples, to: path)

        let unpaced = try AudioFileReader(path: path)
        let fastStart = Date()
        #expect(try unpaced.readToEnd(chunkSize: 160) == samples)
        #expect(Date().timeIntervalSince(fastStart) < 0.2)

        let paced = PacedSampleSource(try AudioFileReader(path: path), chunkSize: 160)
        let start = Date()
        #expect(try paced.readToEnd(chunkSize: 4_096) == samples)
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 0.245, "250 ms of audio came in \(elapsed) s")
    }
}
