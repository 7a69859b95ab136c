/// One finished frame, lent to the closure passed to
/// `FeatureFrontend.process(_:onFrame:)`.
///
/// The buffers belong to the frontend and are overwritten by the next frame: read or copy
/// them inside the closure, never keep them. ``copy()`` makes an owned ``FeatureVector``.
public struct FeatureFrame {
    /// The number of this frame since the frontend was created or last reset, from 0.
    public let index: Int
    /// The frontend's 16-bit output for each channel (TFLM's `FrontendOutput.values`).
    public let values: UnsafeBufferPointer<UInt16>
    /// The same values as floats, `Float(value) * featureScale`, what `pymicro-features`
    /// returns and microWakeWord's models take.
    public let features: UnsafeBufferPointer<Float>

    /// Copies the frame out of the frontend's buffers.
    public func copy() -> FeatureVector {
        FeatureVector(index: index, values: Array(values), features: Array(features))
    }
}

/// An owned copy of one frame: the raw 16-bit values and the float features.
public struct FeatureVector: Sendable, Hashable {
    /// The number of this frame since the frontend was created or last reset, from 0.
    public var index: Int
    /// The 16-bit output for each channel.
    public var values: [UInt16]
    /// The float features, `Float(value) * featureScale`.
    public var features: [Float]

    /// Creates a frame from its parts.
    public init(index: Int, values: [UInt16], features: [Float]) {
        self.index = index
        self.values = values
        self.features = features
    }
}
