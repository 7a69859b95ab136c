extension FeatureFrontend {
    /// The float features of a recording's first `count` frames, row after row
    /// (`count * channelCount` values), computed from a reset frontend.
    ///
    /// A recording too short for `count` frames is continued with silence (zero samples), so
    /// the result always has `count` rows. The cloud's windowed verifier and the tools that
    /// make its training data (`earshot-replay segments --frames`) both call this, so the
    /// model is trained on exactly what it is served.
    ///
    /// - Parameters:
    ///   - samples: 16 kHz mono samples from the start of the recording.
    ///   - count: the frames wanted.
    /// - Returns: `count * channelCount` features; the frontend is left after the last frame.
    public func leadingFeatures(of samples: UnsafeBufferPointer<Int16>, count: Int) -> [Float] {
        reset()
        let channels = channelCount
        var features = [Float](repeating: 0, count: count * channels)
        var filled = 0
        let collect: (FeatureFrame) -> Void = { frame in
            guard filled < count else { return }
            let base = filled * channels
            for channel in 0..<channels { features[base + channel] = frame.features[channel] }
            filled += 1
        }
        // Frame i needs the samples up to window + i * step; this prefix covers `count` frames.
        let prefix = min(samples.count, windowSampleCount + count * stepSampleCount)
        process(UnsafeBufferPointer(rebasing: samples[0..<prefix]), onFrame: collect)
        if filled < count {
            let silence = [Int16](repeating: 0, count: stepSampleCount)
            while filled < count { process(silence, onFrame: collect) }
        }
        return features
    }
}
