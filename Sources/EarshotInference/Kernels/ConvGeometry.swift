/// Output size and padding of a 2-D window operator (convolution or pool), as TFLite's
/// `ComputeOutSize` and `ComputePaddingHeightWidth` work them out.
struct ConvGeometry {
    var outHeight: Int
    var outWidth: Int
    var padTop: Int
    var padLeft: Int

    init(
        padding: Padding, inHeight: Int, inWidth: Int, filterHeight: Int, filterWidth: Int, strideH: Int, strideW: Int,
        dilationH: Int = 1, dilationW: Int = 1
    ) {
        func outSize(_ input: Int, _ filter: Int, _ stride: Int, _ dilation: Int) -> Int {
            let effective = (filter - 1) * dilation + 1
            switch padding {
            case .same: return (input + stride - 1) / stride
            case .valid: return max(0, (input + stride - effective) / stride)
            }
        }
        func pad(_ input: Int, _ filter: Int, _ stride: Int, _ dilation: Int, _ out: Int) -> Int {
            let effective = (filter - 1) * dilation + 1
            let total = max(0, (out - 1) * stride + effective - input)
            return total / 2
        }
        outHeight = outSize(inHeight, filterHeight, strideH, dilationH)
        outWidth = outSize(inWidth, filterWidth, strideW, dilationW)
        padTop = pad(inHeight, filterHeight, strideH, dilationH, outHeight)
        padLeft = pad(inWidth, filterWidth, strideW, dilationW, outWidth)
    }
}

extension ConvGeometry {
    /// The filter taps along one axis that read inside the input, for an output position whose
    /// first tap reads input index `origin` (negative in the leading padding). Taps in the
    /// padding read zero and are skipped, so every window loop walks just this range, in order.
    static func taps(from origin: Int, dilation: Int = 1, filterSize: Int, inputSize: Int) -> Range<Int> {
        let first = origin < 0 ? (dilation &- 1 &- origin) / dilation : 0
        let end = origin < inputSize ? min(filterSize, (inputSize &- origin &+ dilation &- 1) / dilation) : 0
        return first..<max(first, end)
    }
}

/// What a window operator's parameters share (convolution, depthwise convolution, pool): with
/// it, `rows(of:)` and `columns(of:)` give an output position's window.
protocol WindowParameters {
    var inHeight: Int { get }
    var inWidth: Int { get }
    var filterHeight: Int { get }
    var filterWidth: Int { get }
    var strideH: Int { get }
    var strideW: Int { get }
    var dilationH: Int { get }
    var dilationW: Int { get }
    var padTop: Int { get }
    var padLeft: Int { get }
}

extension WindowParameters {
    /// Output row `oy`'s window: the input row its first tap reads (negative in the top
    /// padding) and the filter rows that read inside the input.
    @inline(__always)
    func rows(of oy: Int) -> (origin: Int, taps: Range<Int>) {
        let origin = oy &* strideH &- padTop
        return (origin, ConvGeometry.taps(from: origin, dilation: dilationH, filterSize: filterHeight, inputSize: inHeight))
    }

    /// Output column `ox`'s window, as ``rows(of:)`` for the other axis.
    @inline(__always)
    func columns(of ox: Int) -> (origin: Int, taps: Range<Int>) {
        let origin = ox &* strideW &- padLeft
        return (origin, ConvGeometry.taps(from: origin, dilation: dilationW, filterSize: filterWidth, inputSize: inWidth))
    }
}

extension Conv2DOperator.Parameters: WindowParameters {}
extension DepthwiseConv2DOperator.Parameters: WindowParameters {}
extension Pool2DOperator.Parameters: WindowParameters {
    var dilationH: Int { 1 }
    var dilationW: Int { 1 }
}
