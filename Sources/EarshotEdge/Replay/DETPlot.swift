#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Draws DET curves (miss rate against false accepts per hour) as a standalone SVG.
public enum DETPlot {
    /// An SVG document with one curve per evaluation; the x axis is logarithmic from 0.01 to
    /// 100 false accepts per hour, the y axis is the miss rate from 0 to 100 %.
    public static func svg(_ evaluations: [WakeWordEvaluation]) -> String {
        let width = 640.0, height = 420.0, left = 70.0, right = 20.0, top = 30.0, bottom = 50.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ rate: Double) -> Double { left + (log10(min(max(rate, 0.01), 100)) + 2) / 4 * plotWidth }
        func y(_ miss: Double) -> Double { top + (1 - min(max(miss, 0), 1)) * plotHeight }
        let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left)" y="18" font-size="14">DET curve: miss rate vs false accepts per hour</text>

            """
        for exponent in -2...2 {
            let rate = pow(10, Double(exponent))
            svg += "<line x1=\"\(x(rate))\" y1=\"\(top)\" x2=\"\(x(rate))\" y2=\"\(top + plotHeight)\" stroke=\"#ddd\"/>"
            svg +=
                "<text x=\"\(x(rate))\" y=\"\(top + plotHeight + 18)\" text-anchor=\"middle\">\(rate < 1 ? String(rate) : String(Int(rate)))</text>\n"
        }
        for percent in stride(from: 0, through: 100, by: 20) {
            let miss = Double(percent) / 100
            svg += "<line x1=\"\(left)\" y1=\"\(y(miss))\" x2=\"\(left + plotWidth)\" y2=\"\(y(miss))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 8)\" y=\"\(y(miss) + 4)\" text-anchor=\"end\">\(percent)%</text>\n"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 10)\" text-anchor=\"middle\">false accepts per hour</text>\n"
        svg +=
            "<text x=\"16\" y=\"\(top + plotHeight / 2)\" transform=\"rotate(-90 16 \(top + plotHeight / 2))\" text-anchor=\"middle\">miss rate</text>\n"
        for (index, evaluation) in evaluations.enumerated() {
            let color = colors[index % colors.count]
            let points = evaluation.curve.sorted { $0.falseAcceptsPerHour < $1.falseAcceptsPerHour }
                .map { PrintfFormat.string("%.1f,%.1f", x($0.falseAcceptsPerHour), y($0.missRate)) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(points)\"/>\n"
            let cutoff = evaluation.atCutoff
            svg += "<circle cx=\"\(x(cutoff.falseAcceptsPerHour))\" cy=\"\(y(cutoff.missRate))\" r=\"4\" fill=\"\(color)\"/>\n"
            svg +=
                "<text x=\"\(left + plotWidth - 150)\" y=\"\(top + 16 + Double(index) * 16)\" fill=\"\(color)\">\(evaluation.model) (cutoff \(evaluation.cutoff))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
