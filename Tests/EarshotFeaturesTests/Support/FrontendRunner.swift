import EarshotFeatures
import Testing

/// How a test cuts its input before feeding it to a frontend.
enum ChunkSize: Sendable, CustomTestStringConvertible {
    case samples(Int)
    case wholeInput

    static let all: [ChunkSize] = [.samples(1), .samples(160), .samples(161), .samples(480), .samples(1000), .wholeInput]

    var testDescription: String {
        switch self {
        case .samples(let count): "chunks of \(count)"
        case .wholeInput: "whole input at once"
        }
    }
}

/// The output of a run: every frame's values and features, flattened.
struct FrontendRun {
    var values: [UInt16] = []
    var features: [Float] = []
    var indices: [Int] = []
    var frameCount: Int { indices.count }
}

extension FeatureFrontend {
    /// Feeds `samples` cut into chunks and collects every frame.
    func run(_ samples: [Int16], chunks: ChunkSize) -> FrontendRun {
        var result = FrontendRun()
        let size: Int
        switch chunks {
        case .samples(let count): size = count
        case .wholeInput: size = max(samples.count, 1)
        }
        samples.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(start + size, all.count)
                process(UnsafeBufferPointer(rebasing: all[start..<end])) { frame in
                    result.values.append(contentsOf: frame.values)
                    result.features.append(contentsOf: frame.features)
                    result.indices.append(frame.index)
                }
                start = end
            }
        }
        return result
    }
}

/// Compares frames and reports the first differing frame and channel, not thousands of lines.
func expectFramesEqual(
    _ actual: [UInt16], _ expected: [UInt16], channels: Int, firstFrame: Int = 0, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.count == expected.count, "\(what): \(actual.count / channels) frames, expected \(expected.count / channels)",
        sourceLocation: sourceLocation)
    if let index = firstDifference(actual, expected, by: !=) {
        let frame = index / channels
        let range = frame * channels..<min((frame + 1) * channels, actual.count, expected.count)
        Issue.record(
            """
            \(what): frame \(firstFrame + frame) differs first at channel \(index % channels)
              ours:     \(Array(actual[range]))
              expected: \(Array(expected[range]))
            """, sourceLocation: sourceLocation)
    }
}

/// The first index where two arrays differ, or nil when equal up to the shorter length.
func firstDifference<T>(_ a: [T], _ b: [T], by differ: (T, T) -> Bool) -> Int? {
    a.indices.prefix(b.count).first { differ(a[$0], b[$0]) }
}
